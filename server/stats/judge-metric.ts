/**
 * The verdict for one metric, with the numbers behind it (Kayenta's double condition):
 *   fail  — the effect is at or past the fail threshold AND significant at the fail level
 *   warn  — otherwise, the effect is at or past the warn threshold AND significant at the warn level
 *   pass  — otherwise
 *   inconclusive — fewer than `minSamples` observations in an arm (or too few errors, or missing data); never fail.
 * Levels: warn uses `alpha`; fail uses `alpha` too, except for critical metrics, whose failure may roll back
 * automatically: they use autoRollbackAlpha / (number of critical metrics) (Bonferroni).
 * Significance: in `sequential` mode (re-evaluated every minute on cumulative data) critical metrics use the
 * always-valid mSPRT (significant at α when the e-value ≥ 1/α in the harmful direction); otherwise the
 * fixed-horizon test of measure-metric.ts (one-sided p < α).
 */
import type { ArmSummary } from './arm-summary.js';
import { driftAdjustedBaseline, type MetricDrift } from './drift.js';
import {
  formatChange,
  formatEValue,
  formatPValue,
  formatRatio,
  formatThreshold,
  formatValue,
  METRIC_LABELS,
} from './format.js';
import { measureMetric, metricEstimate, metricSampleCount } from './measure-metric.js';
import {
  failAlpha,
  isCritical,
  METRIC_NAMES,
  type DetectorConfig,
  type EffectKind,
  type MetricName,
  type MetricThresholds,
} from './thresholds.js';

export type Verdict = 'pass' | 'warn' | 'fail' | 'inconclusive';
export type JudgeMode = 'fixed' | 'sequential';

export interface JudgeOptions {
  /** 'fixed' (one analysis, default) or 'sequential' (live checks every minute on cumulative data). */
  mode?: JudgeMode;
  /** Peer drift per metric (see drift.ts); applied only when config.driftCorrection is true. */
  drift?: Partial<Record<MetricName, MetricDrift>>;
}

export interface MetricVerdict {
  name: MetricName;
  verdict: Verdict;
  critical: boolean;
  mode: JudgeMode;
  /** Observations per arm (requests; or values present, for cost, tokens and quality). */
  n: { baseline: number; candidate: number };
  /** Observed estimates: error rate as a fraction, latency quantile in ms, mean cost / tokens / quality. */
  baseline: number;
  candidate: number;
  /** candidate / baseline (ratio) or candidate − baseline (difference); drift-corrected when drift applies. */
  effect: number;
  effectKind: EffectKind;
  /** candidate − baseline (drift-corrected), e.g. +0.031 for an error rate going from 1% to 4.1%. */
  change: number;
  /** Name of the test that decided significance. */
  test: string;
  /** One-sided p-value in the harmful direction (fixed tests). */
  pValue?: number;
  /** mSPRT e-value (sequential mode, critical metrics). */
  eValue?: number;
  /** Significance levels used for warn and fail. */
  alpha: { warn: number; fail: number };
  threshold: { warn: number; fail: number; warnMinIncrease?: number; failIncrease?: number };
  /** Decided by early stopping (early-stop.ts): measured from the switch, before the minimum sample. */
  earlyStop?: boolean;
  /** Peer drift that was removed, with the effect before correction. */
  drift?: { kind: EffectKind; value: number; peers: number; rawEffect: number };
  reason: string;
}

function effectOf(kind: EffectKind, baseline: number, candidate: number): number {
  if (kind === 'difference') return candidate - baseline;
  if (baseline === 0) return candidate === 0 ? 1 : candidate > 0 ? Infinity : NaN;
  return candidate / baseline;
}

/** Is the effect at or past the warn / fail threshold (including the absolute-change conditions)? */
export function crossesThreshold(m: MetricThresholds, level: 'warn' | 'fail', effect: number, change: number): boolean {
  const sign = m.direction === 'higher_is_worse' ? 1 : -1;
  const atOrPast = (x: number, limit: number) => (sign > 0 ? x >= limit : x <= limit);
  let crossed = atOrPast(effect, level === 'warn' ? m.warn : m.fail);
  if (level === 'warn' && m.warnMinIncrease !== undefined) crossed &&= atOrPast(change, sign * m.warnMinIncrease);
  if (level === 'fail' && m.failIncrease !== undefined) crossed ||= atOrPast(change, sign * m.failIncrease);
  return crossed;
}

export function judgeMetric(
  name: MetricName,
  baseline: ArmSummary,
  candidate: ArmSummary,
  config: DetectorConfig,
  options: JudgeOptions = {},
): MetricVerdict {
  const m = config.metrics[name];
  const mode = options.mode ?? 'fixed';
  const critical = isCritical(config, name);
  const label = METRIC_LABELS[name];
  const drift = config.driftCorrection ? options.drift?.[name] : undefined;
  const adjusted = drift ? driftAdjustedBaseline(name, baseline, drift) : baseline;
  const n = { baseline: metricSampleCount(name, baseline), candidate: metricSampleCount(name, candidate) };
  const observedBaseline = metricEstimate(name, baseline);
  const observedCandidate = metricEstimate(name, candidate);
  const adjustedBaseline = metricEstimate(name, adjusted);
  const effect = effectOf(m.effectKind, adjustedBaseline, observedCandidate);
  const change = observedCandidate - adjustedBaseline;
  const alpha = { warn: config.alpha, fail: failAlpha(config, name) };
  const threshold = {
    warn: m.warn,
    fail: m.fail,
    ...(m.warnMinIncrease !== undefined ? { warnMinIncrease: m.warnMinIncrease } : {}),
    ...(m.failIncrease !== undefined ? { failIncrease: m.failIncrease } : {}),
  };
  const rawEffect = effectOf(m.effectKind, observedBaseline, observedCandidate);
  const driftInfo = drift
    ? { kind: drift.kind, value: drift.kind === 'ratio' ? drift.factor : drift.shift, peers: drift.peers, rawEffect }
    : undefined;
  const base = {
    name,
    critical,
    mode,
    n,
    baseline: observedBaseline,
    candidate: observedCandidate,
    effect,
    effectKind: m.effectKind,
    change,
    alpha,
    threshold,
    ...(driftInfo ? { drift: driftInfo } : {}),
  };
  const inconclusive = (test: string, why: string): MetricVerdict => ({
    ...base,
    verdict: 'inconclusive',
    test,
    reason: `${label}: ${why}`,
  });

  // 1. Enough data? Below the minimum the verdict is inconclusive, never fail.
  if (n.baseline < m.minSamples || n.candidate < m.minSamples) {
    return inconclusive(
      'none',
      `too few samples (baseline ${n.baseline}, candidate ${n.candidate}; ${m.minSamples} per arm needed)`,
    );
  }
  if (m.minEvents !== undefined && baseline.errors + candidate.errors < m.minEvents) {
    return inconclusive(
      'none',
      `too few errors (${baseline.errors + candidate.errors} in both arms; ${m.minEvents} needed)`,
    );
  }

  // 2. The test. Counts above pooled quantiles from SQL are usable only if computed with the same baseline scale.
  const countsScale = drift ? (drift.kind === 'ratio' ? drift.factor : null) : 1;
  const measurement = measureMetric(name, adjusted, candidate, m, countsScale);
  const sequential = mode === 'sequential' && critical ? measurement.sequential : null;
  if (measurement.missing !== null || !measurement.fixed) {
    return inconclusive('none', measurement.missing ?? 'no test');
  }
  let test: string;
  let evidence: string;
  let significantWarn: boolean;
  let significantFail: boolean;
  let pValue: number | undefined;
  let eValue: number | undefined;
  if (sequential) {
    const atWarn = sequential.at(alpha.warn);
    const atFail = sequential.at(alpha.fail);
    if (!atWarn || !atFail) return inconclusive(sequential.test, 'the sequential test needs at least 2 values per arm');
    test = sequential.test;
    eValue = atWarn.eValue;
    evidence = formatEValue(eValue);
    significantWarn = atWarn.rejected;
    significantFail = atFail.rejected;
  } else {
    test = measurement.fixed.test;
    const p = measurement.fixed.p;
    pValue = p;
    evidence = formatPValue(p);
    significantWarn = p < alpha.warn;
    significantFail = p < alpha.fail;
  }

  // 3. The double condition. An effect past the fail threshold that is significant only at the warn level warns.
  const pastFail = crossesThreshold(m, 'fail', effect, change);
  const pastWarn = pastFail || crossesThreshold(m, 'warn', effect, change);
  const verdict: Verdict = pastFail && significantFail ? 'fail' : pastWarn && significantWarn ? 'warn' : 'pass';

  const reason = explain(name, m, verdict, {
    baseline: observedBaseline,
    candidate: observedCandidate,
    effect,
    change,
    drift: driftInfo,
    evidence,
    alpha,
    significantWarn,
    sequential: sequential !== null,
  });
  return {
    ...base,
    verdict,
    test,
    ...(pValue !== undefined ? { pValue } : {}),
    ...(eValue !== undefined ? { eValue } : {}),
    reason,
  };
}

/** The reason, with the numbers: "p95 latency 812 ms → 1240 ms (×1.53), p=0.0003, fail threshold ×1.5". */
function explain(
  name: MetricName,
  m: MetricThresholds,
  verdict: Verdict,
  facts: {
    baseline: number;
    candidate: number;
    effect: number;
    change: number;
    drift: { kind: EffectKind; value: number } | undefined;
    evidence: string;
    alpha: { warn: number; fail: number };
    significantWarn: boolean;
    sequential: boolean;
  },
): string {
  const { effect, change, drift, alpha } = facts;
  const effectText =
    m.effectKind === 'difference'
      ? formatChange(name, effect)
      : name === 'error_rate'
        ? `${formatRatio(effect)}, ${formatChange(name, change)}`
        : formatRatio(effect);
  const driftText = drift
    ? `; ${drift.kind === 'ratio' ? formatRatio(drift.value) : formatChange(name, drift.value)} peer drift removed`
    : '';
  const values = `${formatValue(name, facts.baseline)} → ${formatValue(name, facts.candidate)}`;
  const head = `${METRIC_LABELS[name]} ${values} (${effectText}${driftText}), ${facts.evidence}`;
  const pastFail = crossesThreshold(m, 'fail', effect, change);
  if (verdict === 'warn' && pastFail) {
    const failLevel = Number(alpha.fail.toPrecision(3));
    const threshold = formatThreshold(name, m, 'fail');
    return `${head}, past the fail threshold ${threshold} but significant only at α=${alpha.warn} (fail needs α=${failLevel})`;
  }
  if (verdict === 'fail' || verdict === 'warn')
    return `${head}, ${verdict} threshold ${formatThreshold(name, m, verdict)}`;
  if (!facts.significantWarn) {
    const level = facts.sequential ? `needs e ≥ ${Number((1 / alpha.warn).toPrecision(3))}` : `α=${alpha.warn}`;
    return `${head}: no significant regression (${level})`;
  }
  return `${head}: significant but within the warn threshold ${formatThreshold(name, m, 'warn')}`;
}

/** judgeMetric for every enabled metric, in METRIC_NAMES order. */
export function judgeMetrics(
  baseline: ArmSummary,
  candidate: ArmSummary,
  config: DetectorConfig,
  options: JudgeOptions = {},
): MetricVerdict[] {
  return METRIC_NAMES.filter((name) => config.metrics[name].enabled).map((name) =>
    judgeMetric(name, baseline, candidate, config, options),
  );
}
