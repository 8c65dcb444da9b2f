/** Factories for ArmSummary values in tests: simulated arms built the way the analysis SQL would build them. */
import type { ArmSummary, LatencySummary, MomentSums } from '../../server/stats/index.js';
import { pooledExceedanceCounts, sortedQuantile } from '../../server/stats/index.js';
import type { Random } from './random.js';

export function moments(values: ArrayLike<number>): MomentSums {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    sum += v;
    sumSq += v * v;
  }
  return { n: values.length, sum, sumSq };
}

const NO_VALUES: MomentSums = { n: 0, sum: 0, sumSq: 0 };

/** An arm with n requests and nothing else measured. */
export function emptyArm(n = 0): ArmSummary {
  return {
    n,
    errors: 0,
    latency: { p50: NaN, p95: NaN, p99: NaN },
    cost: NO_VALUES,
    inputTokens: NO_VALUES,
    outputTokens: NO_VALUES,
    quality: NO_VALUES,
  };
}

/**
 * Latency summaries of two arms from raw samples: own quantiles, samples, and counts above the pooled p95 / p99.
 * The samples are sorted in place once, so that the statistics functions need not sort them again.
 */
export function latencyPair(
  baseline: Float64Array,
  candidate: Float64Array,
): { baseline: LatencySummary; candidate: LatencySummary } {
  baseline.sort();
  candidate.sort();
  const p95 = pooledExceedanceCounts(baseline, candidate, 0.95);
  const p99 = pooledExceedanceCounts(baseline, candidate, 0.99);
  const own = (sorted: Float64Array) => ({
    p50: sortedQuantile(sorted, 0.5),
    p95: sortedQuantile(sorted, 0.95),
    p99: sortedQuantile(sorted, 0.99),
  });
  return {
    baseline: {
      ...own(baseline),
      samples: baseline,
      aboveP95Pooled: p95.baselineAbove,
      aboveP99Pooled: p99.baselineAbove,
    },
    candidate: {
      ...own(candidate),
      samples: candidate,
      aboveP95Pooled: p95.candidateAbove,
      aboveP99Pooled: p99.candidateAbove,
    },
  };
}

/** What to simulate for one arm; metrics left out are not measured (n = 0). */
export interface ArmSpec {
  n: number;
  errorRate?: number;
  /** Lognormal latency in ms. */
  latency?: { median: number; sigma: number };
  /** Lognormal cost in USD. */
  cost?: { median: number; sigma: number };
  /** Normal token counts, rounded, at least 1. */
  outputTokens?: { mean: number; sd: number };
  /** Normal quality score clamped to [0, 1]. */
  quality?: { mean: number; sd: number };
}

export function simulateArms(
  rng: Random,
  baseline: ArmSpec,
  candidate: ArmSpec,
): { baseline: ArmSummary; candidate: ArmSummary } {
  const arm = (spec: ArmSpec): ArmSummary => {
    const result = emptyArm(spec.n);
    if (spec.errorRate !== undefined) result.errors = rng.binomial(spec.n, spec.errorRate);
    const { cost, outputTokens, quality } = spec;
    if (cost) result.cost = moments(rng.array(spec.n, (r) => r.lognormal(cost.median, cost.sigma)));
    if (outputTokens) {
      result.outputTokens = moments(
        rng.array(spec.n, (r) => Math.max(1, Math.round(r.normal(outputTokens.mean, outputTokens.sd)))),
      );
    }
    if (quality) {
      result.quality = moments(rng.array(spec.n, (r) => Math.min(1, Math.max(0, r.normal(quality.mean, quality.sd)))));
    }
    return result;
  };
  const a = arm(baseline);
  const b = arm(candidate);
  if (baseline.latency && candidate.latency) {
    const la = baseline.latency;
    const lb = candidate.latency;
    const pair = latencyPair(
      rng.array(baseline.n, (r) => r.lognormal(la.median, la.sigma)),
      rng.array(candidate.n, (r) => r.lognormal(lb.median, lb.sigma)),
    );
    a.latency = pair.baseline;
    b.latency = pair.candidate;
  }
  return { baseline: a, candidate: b };
}
