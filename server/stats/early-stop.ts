/**
 * Early stopping for large effects (see EarlyStopConfig in thresholds.ts): a critical metric without enough
 * samples for its regular sequential verdict may still fail on arms measured from the switch itself, when the
 * always-valid mSPRT's evidence is overwhelming. It never passes or warns early: without overwhelming evidence the
 * regular verdict (inconclusive while collecting) stands.
 */
import type { ArmSummary } from './arm-summary.js';
import { judgeMetric, type JudgeOptions, type MetricVerdict } from './judge-metric.js';
import { failAlpha, isCritical, type DetectorConfig, type MetricName } from './thresholds.js';

/** Smallest sample per arm for an early verdict, whatever the fraction. */
export const EARLY_STOP_MIN_SAMPLES = 30;

/** Observations per arm an early verdict needs for `name`. */
export function earlyStopSamples(config: DetectorConfig, name: MetricName): number {
  const m = config.metrics[name];
  return Math.max(EARLY_STOP_MIN_SAMPLES, Math.ceil(m.minSamples * config.earlyStop.minSamplesFraction));
}

/** The e-value a failing critical metric must reach to be decisive (early, or rolled back sooner). */
export function decisiveEValue(config: DetectorConfig, name: MetricName): number {
  return 1 / (failAlpha(config, name) * config.earlyStop.alphaFactor);
}

/** A failing critical metric whose evidence meets the early-stop level. */
export function isDecisive(metric: MetricVerdict, config: DetectorConfig): boolean {
  return (
    metric.verdict === 'fail' &&
    metric.critical &&
    metric.eValue !== undefined &&
    metric.eValue >= decisiveEValue(config, metric.name)
  );
}

/**
 * The early verdict of a critical metric on the arms measured from the switch: `fail` (marked `earlyStop`) when
 * the evidence is overwhelming, else null.
 */
export function judgeEarlyStop(
  name: MetricName,
  baseline: ArmSummary,
  candidate: ArmSummary,
  config: DetectorConfig,
  options: Pick<JudgeOptions, 'drift'> = {},
): MetricVerdict | null {
  if (!config.earlyStop.enabled || !isCritical(config, name) || !config.metrics[name].enabled) return null;
  const strict: DetectorConfig = {
    ...config,
    autoRollbackAlpha: config.autoRollbackAlpha * config.earlyStop.alphaFactor,
    metrics: { ...config.metrics, [name]: { ...config.metrics[name], minSamples: earlyStopSamples(config, name) } },
  };
  const verdict = judgeMetric(name, baseline, candidate, strict, { ...options, mode: 'sequential' });
  if (verdict.verdict !== 'fail') return null;
  return {
    ...verdict,
    earlyStop: true,
    test: `${verdict.test}, early stop`,
    reason: `${verdict.reason} (early stop: overwhelming evidence from the switch on)`,
  };
}
