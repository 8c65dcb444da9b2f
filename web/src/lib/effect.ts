import type { MetricJudgement } from './api-types.js';
import { NONE } from './format.js';
import { metricUnit } from './metric-names.js';
import { formatUnit } from './units.js';

/** A metric's effect as people read it: `×1.53` for ratios, `−0.080` (or `+2.1 pp`) for differences. */
export function formatEffect(m: Pick<MetricJudgement, 'name' | 'effect' | 'effectKind'>): string {
  if (m.effect === null || !Number.isFinite(m.effect)) return m.effect === Infinity ? '×∞' : NONE;
  if (m.effectKind === 'ratio') return `×${m.effect.toFixed(2)}`;
  const sign = m.effect > 0 ? '+' : m.effect < 0 ? '−' : '±';
  if (metricUnit(m.name) === 'percent') return `${sign}${Math.abs(m.effect * 100).toFixed(1)} pp`;
  return `${sign}${formatUnit(metricUnit(m.name), Math.abs(m.effect))}`;
}

/** The warn / fail thresholds of a metric in the same form as its effect. */
export function formatThresholds(m: Pick<MetricJudgement, 'name' | 'effectKind' | 'threshold'>): string {
  return `warn ${formatEffect({ ...m, effect: m.threshold.warn })}, fail ${formatEffect({ ...m, effect: m.threshold.fail })}`;
}
