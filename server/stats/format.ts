/**
 * Human-readable numbers for verdict reasons, e.g. "p95 latency 812 ms → 1240 ms (×1.53), p=0.0003".
 * Plain ASCII digits, no locale, 3 significant digits.
 */
import {
  isScoreMetric,
  scoreNameOf,
  type JudgedMetricName,
  type MetricName,
  type MetricThresholds,
} from './thresholds.js';

export const METRIC_LABELS: Record<MetricName, string> = {
  error_rate: 'error rate',
  latency_p50: 'p50 latency',
  latency_p95: 'p95 latency',
  latency_p99: 'p99 latency',
  cost_per_request: 'cost per request',
  input_tokens: 'input tokens per request',
  output_tokens: 'output tokens per request',
  quality: 'quality',
};

/** A metric's name in a reason: "p95 latency", or "score routing_correct" for a named score. */
export function metricLabel(name: JudgedMetricName): string {
  return isScoreMetric(name) ? `score ${scoreNameOf(name)}` : METRIC_LABELS[name];
}

/** 3 significant digits, trailing zeros dropped; integers from 100 up. */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'n/a';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const text = Math.abs(x) >= 100 ? String(Math.round(x)) : String(Number(x.toPrecision(3)));
  return text.replace('-', '−');
}

/** A metric's value in its unit: "1.25%", "812 ms", "$0.0123", "412", "0.812". */
export function formatValue(name: JudgedMetricName, x: number): string {
  switch (name) {
    case 'error_rate':
      return `${formatNumber(x * 100)}%`;
    case 'latency_p50':
    case 'latency_p95':
    case 'latency_p99':
      return `${formatNumber(x)} ms`;
    case 'cost_per_request':
      return `$${formatNumber(x)}`;
    default:
      return formatNumber(x);
  }
}

function withSign(text: string, x: number): string {
  return x >= 0 ? `+${text}` : text;
}

/** An absolute change in the metric's unit ("+3.1 pp" for error rate). */
export function formatChange(name: JudgedMetricName, change: number): string {
  if (name === 'error_rate') return `${withSign(formatNumber(change * 100), change)} pp`;
  return withSign(formatValue(name, change), change);
}

export function formatRatio(ratio: number): string {
  if (Number.isNaN(ratio)) return '×n/a';
  return `×${Number.isFinite(ratio) ? Number(ratio.toFixed(2)).toString() : '∞'}`;
}

export function formatPValue(p: number): string {
  return p < 1e-4 ? `p=${p.toExponential(1)}` : `p=${Number(p.toPrecision(2))}`;
}

export function formatEValue(e: number): string {
  if (!Number.isFinite(e)) return 'e=∞';
  return e >= 1000 ? `e=${e.toExponential(1)}` : `e=${Number(e.toPrecision(3))}`;
}

/** "×1.5", "−0.08", "×3 or +5 pp", "×1.5 and +0.5 pp". */
export function formatThreshold(name: JudgedMetricName, m: MetricThresholds, level: 'warn' | 'fail'): string {
  const limit = level === 'warn' ? m.warn : m.fail;
  const main = m.effectKind === 'ratio' ? formatRatio(limit) : formatChange(name, limit);
  const sign = m.direction === 'higher_is_worse' ? 1 : -1;
  if (level === 'warn' && m.warnMinIncrease !== undefined) {
    return `${main} and ${formatChange(name, sign * m.warnMinIncrease)}`;
  }
  if (level === 'fail' && m.failIncrease !== undefined)
    return `${main} or ${formatChange(name, sign * m.failIncrease)}`;
  return main;
}
