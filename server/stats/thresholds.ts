/**
 * Detector configuration: the per-metric thresholds table of the regression-detection spec and the global
 * settings, with defaults, plus the merge used for per-environment overrides.
 */

export const METRIC_NAMES = [
  'error_rate',
  'latency_p50',
  'latency_p95',
  'latency_p99',
  'cost_per_request',
  'input_tokens',
  'output_tokens',
  'quality',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

/** Which way is a regression: latency, cost and errors going up, or quality going down. */
export type Direction = 'higher_is_worse' | 'lower_is_worse';

/** ratio = candidate / baseline; difference = candidate − baseline. */
export type EffectKind = 'ratio' | 'difference';

export interface MetricThresholds {
  enabled: boolean;
  direction: Direction;
  effectKind: EffectKind;
  /** Effect at which the metric warns: a ratio (1.10 = +10%) or a signed difference (−0.03). */
  warn: number;
  /** Effect at which the metric fails. */
  fail: number;
  /** Ratio metrics: the absolute change (candidate − baseline) must ALSO reach this to warn (error rate: +0.5 pp). */
  warnMinIncrease?: number;
  /** Ratio metrics: an absolute change reaching this fails on its own, OR-ed with `fail` (error rate: +5 pp). */
  failIncrease?: number;
  /** Minimum observations in EACH arm to judge; below it the verdict is `inconclusive`. */
  minSamples: number;
  /** Error rate: minimum errors in both arms TOGETHER (so that 0 → 50 errors is judged, not inconclusive). */
  minEvents?: number;
  /**
   * mSPRT mixture spread τ (the smallest effect that matters), used in sequential mode. For ratio metrics it is
   * relative to the pooled value of the tested mean (error rate, fraction above the pooled quantile, mean cost);
   * for difference metrics it is absolute.
   */
  sequentialTau: number;
}

/**
 * Early stopping for large effects. The always-valid mSPRT may be checked at any sample size, so a critical metric
 * still short of its minimum sample (or inside the skip after the switch) may fail early when the evidence is
 * overwhelming: the arms measured from the switch itself, at least max(30, minSamplesFraction × minSamples)
 * observations per arm, the effect past the fail threshold, and an e-value ≥ 1 / (fail α × alphaFactor). The
 * stricter level keeps the A/A false-positive rate within the fail α (the small-sample variance estimate is the
 * only approximation); below the floor a metric stays inconclusive, as ever. A decisive failure (early, or any fail
 * meeting that level) may be rolled back automatically after minSecondsBeforeAutoRollback instead of
 * minMinutesBeforeAutoRollback.
 */
export interface EarlyStopConfig {
  enabled: boolean;
  minSamplesFraction: number;
  alphaFactor: number;
  minSecondsBeforeAutoRollback: number;
}

export interface DetectorConfig {
  /** Significance level of the per-metric tests (warn, and fail of non-critical metrics). */
  alpha: number;
  /** Family-wise level for automatic rollback, split evenly across the critical metrics (Bonferroni). */
  autoRollbackAlpha: number;
  /** Metrics whose failure fails the deployment and may roll it back automatically. */
  criticalMetrics: MetricName[];
  /** Before/after comparisons skip this many minutes after the switch (caches, warm-up, mixed traffic). */
  skipMinutesAfterSwitch: number;
  /** Minutes after which a deployment still lacking samples on a critical metric is `inconclusive`. */
  bakeMinutes: number;
  /** No automatic rollback earlier than this after the deployment. */
  minMinutesBeforeAutoRollback: number;
  /** Consecutive failing evaluations needed for automatic rollback. */
  consecutiveFailsForRollback: number;
  /** Subtract the drift seen by same-model peer prompts (difference-in-differences). */
  driftCorrection: boolean;
  earlyStop: EarlyStopConfig;
  metrics: Record<MetricName, MetricThresholds>;
}

const ratioMetric = (warn: number, fail: number, minSamples: number, sequentialTau: number): MetricThresholds => ({
  enabled: true,
  direction: 'higher_is_worse',
  effectKind: 'ratio',
  warn,
  fail,
  minSamples,
  sequentialTau,
});

/** A fresh copy of the defaults (callers may mutate it). */
export function defaultDetectorConfig(): DetectorConfig {
  return {
    alpha: 0.05,
    autoRollbackAlpha: 0.01,
    criticalMetrics: ['error_rate', 'latency_p95', 'quality'],
    skipMinutesAfterSwitch: 2,
    bakeMinutes: 30,
    minMinutesBeforeAutoRollback: 5,
    consecutiveFailsForRollback: 2,
    driftCorrection: true,
    earlyStop: { enabled: true, minSamplesFraction: 0.1, alphaFactor: 0.01, minSecondsBeforeAutoRollback: 60 },
    metrics: {
      // ratio ≥ 1.5 and +0.5 pp warns; ratio ≥ 3 or +5 pp fails; 1,000 requests per arm and 10 errors.
      error_rate: { ...ratioMetric(1.5, 3, 1000, 0.5), warnMinIncrease: 0.005, failIncrease: 0.05, minEvents: 10 },
      // τ for latency is relative to the fraction above the pooled quantile (0.5, 0.05, 0.01).
      latency_p50: ratioMetric(1.1, 1.5, 300, 0.15),
      latency_p95: ratioMetric(1.15, 1.5, 2000, 0.5),
      latency_p99: ratioMetric(1.25, 2.0, 10_000, 1.0),
      cost_per_request: ratioMetric(1.1, 1.5, 200, 0.1),
      input_tokens: ratioMetric(1.1, 1.5, 200, 0.1),
      output_tokens: ratioMetric(1.1, 1.5, 200, 0.1),
      quality: {
        enabled: true,
        direction: 'lower_is_worse',
        effectKind: 'difference',
        warn: -0.03,
        fail: -0.08,
        minSamples: 500,
        sequentialTau: 0.03,
      },
    },
  };
}

export const DEFAULT_DETECTOR_CONFIG: Readonly<DetectorConfig> = Object.freeze(defaultDetectorConfig());

/** Partial settings for one environment; metric entries are merged field by field. */
export type DetectorConfigOverrides = Partial<Omit<DetectorConfig, 'metrics' | 'earlyStop'>> & {
  metrics?: Partial<Record<MetricName, Partial<MetricThresholds>>>;
  earlyStop?: Partial<EarlyStopConfig>;
};

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function isMetricName(name: string): name is MetricName {
  return (METRIC_NAMES as readonly string[]).includes(name);
}

/**
 * Defaults merged with per-environment overrides (undefined values are ignored). Returns a new object and
 * throws an Error listing every problem when the result is not a usable configuration.
 */
export function mergeDetectorConfig(defaults: DetectorConfig, overrides: DetectorConfigOverrides = {}): DetectorConfig {
  const { metrics: metricOverrides = {}, earlyStop = {}, ...globals } = overrides;
  const problems: string[] = [];
  for (const name of Object.keys(metricOverrides)) {
    if (!isMetricName(name)) problems.push(`unknown metric "${name}"`);
  }
  const metrics = {} as Record<MetricName, MetricThresholds>;
  for (const name of METRIC_NAMES) {
    metrics[name] = { ...defaults.metrics[name], ...definedOnly(metricOverrides[name] ?? {}) };
  }
  const merged: DetectorConfig = {
    ...defaults,
    ...definedOnly(globals),
    criticalMetrics: [...(globals.criticalMetrics ?? defaults.criticalMetrics)],
    earlyStop: { ...defaults.earlyStop, ...definedOnly(earlyStop) },
    metrics,
  };
  problems.push(...validateDetectorConfig(merged));
  if (problems.length > 0) throw new Error(`invalid detector config: ${problems.join('; ')}`);
  return merged;
}

/** Problems with a configuration, as readable sentences (empty when valid). */
export function validateDetectorConfig(config: DetectorConfig): string[] {
  const problems: string[] = [];
  const inUnitInterval = (x: number) => Number.isFinite(x) && x > 0 && x < 1;
  if (!inUnitInterval(config.alpha)) problems.push('alpha must be in (0, 1)');
  if (!inUnitInterval(config.autoRollbackAlpha)) problems.push('autoRollbackAlpha must be in (0, 1)');
  for (const name of config.criticalMetrics) {
    if (!isMetricName(name)) problems.push(`unknown critical metric "${String(name)}"`);
  }
  for (const key of ['skipMinutesAfterSwitch', 'bakeMinutes', 'minMinutesBeforeAutoRollback'] as const) {
    if (!(config[key] >= 0)) problems.push(`${key} must be ≥ 0`);
  }
  const early = config.earlyStop;
  if (typeof early.enabled !== 'boolean') problems.push('earlyStop.enabled must be true or false');
  if (!(early.minSamplesFraction > 0 && early.minSamplesFraction <= 1)) {
    problems.push('earlyStop.minSamplesFraction must be in (0, 1]');
  }
  if (!(early.alphaFactor > 0 && early.alphaFactor <= 1)) problems.push('earlyStop.alphaFactor must be in (0, 1]');
  if (!(early.minSecondsBeforeAutoRollback >= 0)) problems.push('earlyStop.minSecondsBeforeAutoRollback must be ≥ 0');
  if (!(Number.isInteger(config.consecutiveFailsForRollback) && config.consecutiveFailsForRollback >= 1)) {
    problems.push('consecutiveFailsForRollback must be an integer ≥ 1');
  }
  for (const name of METRIC_NAMES) {
    const m = config.metrics[name];
    if (!(m.minSamples >= 2)) problems.push(`${name}.minSamples must be ≥ 2`);
    if (!(m.sequentialTau > 0)) problems.push(`${name}.sequentialTau must be > 0`);
    // The fail threshold must lie at least as far in the harmful direction as the warn threshold.
    const worse = m.direction === 'higher_is_worse' ? m.fail >= m.warn : m.fail <= m.warn;
    if (!(Number.isFinite(m.warn) && Number.isFinite(m.fail) && worse)) {
      problems.push(`${name}: fail threshold must be at or beyond the warn threshold`);
    }
  }
  return problems;
}

/** Significance level for a metric's `fail` verdict: the Bonferroni share of autoRollbackAlpha if critical. */
export function failAlpha(config: DetectorConfig, name: MetricName): number {
  const critical = config.criticalMetrics.filter((m) => config.metrics[m].enabled);
  if (!critical.includes(name)) return config.alpha;
  return config.autoRollbackAlpha / critical.length;
}

export function isCritical(config: DetectorConfig, name: MetricName): boolean {
  return config.criticalMetrics.includes(name);
}
