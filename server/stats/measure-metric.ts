/**
 * The statistical test behind each metric, before thresholds are applied (judge-metric.ts does that):
 *
 *   error_rate                     two-proportion z-test       | sequential: mSPRT on the error indicator
 *   latency_p50                    one-sided Mann-Whitney U    | sequential: mSPRT on "above the pooled median"
 *                                  (without raw samples: counts above the pooled median, Mood's median test)
 *   latency_p95, latency_p99       pooled-quantile exceedance  | sequential: mSPRT on "above the pooled quantile"
 *   cost, input/output tokens, quality   Welch t on the mean   | sequential: mSPRT on the mean
 *
 * Every p-value is one-sided in the harmful direction. The mSPRT τ is `sequentialTau` × the pooled value of the
 * tested mean for ratio metrics, or `sequentialTau` itself for difference metrics.
 */
import type { ArmSummary } from './arm-summary.js';
import { mannWhitneyU } from './mann-whitney.js';
import { msprtFromSummaries, msprtProportions, type HarmDirection, type MsprtResult } from './msprt.js';
import { twoProportionZTest } from './proportions.js';
import { pooledExceedanceCounts, quantileExceedanceTest } from './quantile-exceedance.js';
import type { MetricName, MetricThresholds } from './thresholds.js';
import { summaryFromSums, welchTTest, type MomentSums } from './welch.js';

export interface Measurement {
  /** Why the test cannot run (e.g. no latency samples), or null. */
  missing: string | null;
  /** Fixed-horizon test: its name and one-sided p-value in the harmful direction. */
  fixed: { test: string; p: number } | null;
  /** Sequential test: its name and the mSPRT evaluated at level α. */
  sequential: { test: string; at: (alpha: number) => MsprtResult | null } | null;
}

type ExceedanceField = 'aboveP50Pooled' | 'aboveP95Pooled' | 'aboveP99Pooled';

const TAIL_Q: Partial<Record<MetricName, { q: number; field: ExceedanceField }>> = {
  latency_p50: { q: 0.5, field: 'aboveP50Pooled' },
  latency_p95: { q: 0.95, field: 'aboveP95Pooled' },
  latency_p99: { q: 0.99, field: 'aboveP99Pooled' },
};

function missing(reason: string): Measurement {
  return { missing: reason, fixed: null, sequential: null };
}

/** A test on two proportions: successes out of n per arm (errors, or requests above a pooled quantile). */
function proportionMeasurement(
  test: string,
  counts: { baseline: number; baselineN: number; candidate: number; candidateN: number },
  fixedP: number,
  m: MetricThresholds,
  harmful: HarmDirection,
): Measurement {
  const pooled = (counts.baseline + counts.candidate) / (counts.baselineN + counts.candidateN);
  const tau = m.sequentialTau * pooled;
  return {
    missing: null,
    fixed: { test, p: fixedP },
    sequential: {
      test: `mSPRT (${test})`,
      at: (alpha) =>
        msprtProportions(counts.baseline, counts.baselineN, counts.candidate, counts.candidateN, tau, alpha, harmful),
    },
  };
}

function meanMeasurement(
  baseline: MomentSums,
  candidate: MomentSums,
  m: MetricThresholds,
  harmful: HarmDirection,
): Measurement {
  const a = summaryFromSums(baseline);
  const b = summaryFromSums(candidate);
  const welch = welchTTest(a, b);
  if (!welch) return missing('fewer than 2 values in an arm');
  const pooledMean = (baseline.sum + candidate.sum) / (baseline.n + candidate.n);
  const tau = m.effectKind === 'ratio' ? m.sequentialTau * Math.abs(pooledMean) : m.sequentialTau;
  return {
    missing: null,
    fixed: { test: 'Welch t-test', p: harmful === 'increase' ? welch.pGreater : welch.pLess },
    sequential: { test: 'mSPRT on the mean', at: (alpha) => msprtFromSummaries(a, b, tau, alpha, harmful) },
  };
}

/** Observations per arm for a metric. */
export function metricSampleCount(name: MetricName, arm: ArmSummary): number {
  if (name === 'cost_per_request') return arm.cost.n;
  if (name === 'input_tokens') return arm.inputTokens.n;
  if (name === 'output_tokens') return arm.outputTokens.n;
  if (name === 'quality') return arm.quality.n;
  return arm.n;
}

/** The metric's point estimate for an arm. */
export function metricEstimate(name: MetricName, arm: ArmSummary): number {
  switch (name) {
    case 'error_rate':
      return arm.errors / arm.n;
    case 'latency_p50':
      return arm.latency.p50;
    case 'latency_p95':
      return arm.latency.p95;
    case 'latency_p99':
      return arm.latency.p99;
    case 'cost_per_request':
      return arm.cost.sum / arm.cost.n;
    case 'input_tokens':
      return arm.inputTokens.sum / arm.inputTokens.n;
    case 'output_tokens':
      return arm.outputTokens.sum / arm.outputTokens.n;
    case 'quality':
      return arm.quality.sum / arm.quality.n;
  }
}

/**
 * Runs the metric's test on (possibly drift-adjusted) arms. `countsScale` is the baseline scale the SQL
 * exceedance counts must have been computed with to be usable (null: never usable, recompute from samples).
 */
export function measureMetric(
  name: MetricName,
  baseline: ArmSummary,
  candidate: ArmSummary,
  m: MetricThresholds,
  countsScale: number | null,
): Measurement {
  const harmful: HarmDirection = m.direction === 'higher_is_worse' ? 'increase' : 'decrease';
  const pick = <T>(greater: T, less: T): T => (harmful === 'increase' ? greater : less);
  switch (name) {
    case 'error_rate': {
      const counts = {
        baseline: baseline.errors,
        baselineN: baseline.n,
        candidate: candidate.errors,
        candidateN: candidate.n,
      };
      const z = twoProportionZTest(counts.baseline, counts.baselineN, counts.candidate, counts.candidateN);
      if (!z) return missing('no requests in an arm');
      return proportionMeasurement('two-proportion z-test', counts, pick(z.pGreater, z.pLess), m, harmful);
    }
    case 'latency_p50': {
      const a = baseline.latency.samples;
      const b = candidate.latency.samples;
      if (!a || !b || a.length < 2 || b.length < 2)
        return exceedance(name, baseline, candidate, m, harmful, countsScale);
      const mw = mannWhitneyU(a, b, { alternative: pick('greater', 'less') });
      if (!mw) return missing('no finite latency samples');
      const c = pooledExceedanceCounts(a, b, 0.5);
      const counts = {
        baseline: c.baselineAbove,
        baselineN: a.length,
        candidate: c.candidateAbove,
        candidateN: b.length,
      };
      const measurement = proportionMeasurement('above pooled median', counts, mw.p, m, harmful);
      return { ...measurement, fixed: { test: 'Mann-Whitney U (one-sided)', p: mw.p } };
    }
    case 'latency_p95':
    case 'latency_p99':
      return exceedance(name, baseline, candidate, m, harmful, countsScale);
    case 'cost_per_request':
      return meanMeasurement(baseline.cost, candidate.cost, m, harmful);
    case 'input_tokens':
      return meanMeasurement(baseline.inputTokens, candidate.inputTokens, m, harmful);
    case 'output_tokens':
      return meanMeasurement(baseline.outputTokens, candidate.outputTokens, m, harmful);
    case 'quality':
      return meanMeasurement(baseline.quality, candidate.quality, m, harmful);
  }
}

/** The pooled-quantile exceedance test of a latency quantile (its q from TAIL_Q). */
function exceedance(
  name: MetricName,
  baseline: ArmSummary,
  candidate: ArmSummary,
  m: MetricThresholds,
  harmful: HarmDirection,
  countsScale: number | null,
): Measurement {
  const tail = TAIL_Q[name];
  if (!tail) return missing('unknown tail quantile');
  const percentile = Math.round(tail.q * 100);
  const counts = tailCounts(baseline, candidate, tail.q, tail.field, countsScale);
  if (!counts) return missing(`no counts above the pooled p${percentile} and no latency samples`);
  const quantile = (arm: ArmSummary) => arm.latency[`p${percentile}` as 'p50' | 'p95' | 'p99'];
  const test = quantileExceedanceTest(
    { n: counts.baselineN, above: counts.baseline, quantile: quantile(baseline) },
    { n: counts.candidateN, above: counts.candidate, quantile: quantile(candidate) },
  );
  if (!test) return missing('no requests in an arm');
  const p = harmful === 'increase' ? test.pGreater : test.pLess;
  return proportionMeasurement(`pooled-p${percentile} exceedance test`, counts, p, m, harmful);
}

/** SQL counts when they were computed with the expected baseline scale, else counts from the samples. */
function tailCounts(
  baseline: ArmSummary,
  candidate: ArmSummary,
  q: number,
  field: ExceedanceField,
  countsScale: number | null,
) {
  const scale = baseline.latency.pooledCountsBaselineScale ?? 1;
  const sqlBaseline = baseline.latency[field];
  const sqlCandidate = candidate.latency[field];
  if (
    countsScale !== null &&
    Math.abs(scale - countsScale) <= 1e-9 * Math.abs(countsScale) &&
    sqlBaseline !== undefined &&
    sqlCandidate !== undefined
  ) {
    return { baseline: sqlBaseline, baselineN: baseline.n, candidate: sqlCandidate, candidateN: candidate.n };
  }
  const a = baseline.latency.samples;
  const b = candidate.latency.samples;
  if (!a || !b || a.length === 0 || b.length === 0) return null;
  const c = pooledExceedanceCounts(a, b, q);
  return { baseline: c.baselineAbove, baselineN: a.length, candidate: c.candidateAbove, candidateN: b.length };
}
