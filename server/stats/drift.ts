/**
 * Drift correction by difference-in-differences (as FUNNEL does): when the baseline is the window BEFORE the
 * deployment, anything that changed for everyone at the same time (a provider-wide slowdown, a price change, an
 * outage) would be blamed on the deployment. Prompts on the same model that were NOT redeployed ("peers") see
 * that drift too, so we measure it on them and remove it:
 *
 *   ratio metrics:      peer factor k = peers_after / peers_before;  corrected effect = (B / A) / k
 *   difference metrics: peer shift  s = peers_after − peers_before;  corrected effect = (B − A) − s
 *
 * The test is corrected the same way by comparing the candidate with the baseline as it would look under the
 * drift: every baseline value multiplied by k (or shifted by s). With several peers the median of their
 * factors is used, so one peer that was itself redeployed does not move the estimate much. The peers' own noise
 * is ignored (assumed small next to the candidate's: use peers with plenty of traffic). With a concurrent canary
 * split both arms see the same drift, so do not pass drift there.
 */
import type { ArmSummary } from './arm-summary.js';
import type { EffectKind, MetricName } from './thresholds.js';
import type { MomentSums } from './welch.js';

export type MetricDrift =
  { kind: 'ratio'; factor: number; peers: number } | { kind: 'difference'; shift: number; peers: number };

/** One peer prompt's estimate of the metric in the baseline window and in the candidate window. */
export interface PeerEstimate {
  before: number;
  after: number;
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? NaN) + upper) / 2;
}

/** The peers' drift for one metric; null when no peer has usable numbers (ratio needs before > 0). */
export function estimateDrift(peers: readonly PeerEstimate[], kind: EffectKind): MetricDrift | null {
  if (kind === 'ratio') {
    const factors = peers
      .filter((p) => p.before > 0 && Number.isFinite(p.before) && Number.isFinite(p.after) && p.after >= 0)
      .map((p) => p.after / p.before);
    return factors.length > 0 ? { kind, factor: medianOf(factors), peers: factors.length } : null;
  }
  const shifts = peers
    .filter((p) => Number.isFinite(p.before) && Number.isFinite(p.after))
    .map((p) => p.after - p.before);
  return shifts.length > 0 ? { kind, shift: medianOf(shifts), peers: shifts.length } : null;
}

/** The candidate's effect with the peers' drift removed. */
export function correctEffect(rawEffect: number, drift: MetricDrift): number {
  return drift.kind === 'ratio' ? rawEffect / drift.factor : rawEffect - drift.shift;
}

/** Moment sums of x·k (ratio) or x + s (difference): Σkx = kΣx, Σ(kx)² = k²Σx²; Σ(x+s)² = Σx² + 2sΣx + ns². */
export function driftMomentSums(sums: MomentSums, drift: MetricDrift): MomentSums {
  if (drift.kind === 'ratio') {
    const k = drift.factor;
    return { n: sums.n, sum: sums.sum * k, sumSq: sums.sumSq * k * k };
  }
  const s = drift.shift;
  return { n: sums.n, sum: sums.sum + sums.n * s, sumSq: sums.sumSq + 2 * s * sums.sum + sums.n * s * s };
}

function mapValues(values: ArrayLike<number>, f: (x: number) => number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = f(values[i] ?? NaN);
  return out;
}

/**
 * The baseline arm as it would look under the peers' drift, for the fields metric `name` reads. Latency
 * exceedance counts are left alone: they depend on both arms, so judgeMetric checks `pooledCountsBaselineScale`.
 */
export function driftAdjustedBaseline(name: MetricName, baseline: ArmSummary, drift: MetricDrift): ArmSummary {
  const factor = drift.kind === 'ratio' ? drift.factor : 1;
  switch (name) {
    case 'error_rate': {
      // Errors scale with the error rate; fractional counts are fine for the z-test.
      const errors = drift.kind === 'ratio' ? baseline.errors * factor : baseline.errors + drift.shift * baseline.n;
      return { ...baseline, errors: Math.min(baseline.n, Math.max(0, errors)) };
    }
    case 'latency_p50':
    case 'latency_p95':
    case 'latency_p99': {
      const shiftMs = drift.kind === 'difference' ? drift.shift : 0;
      const move = (x: number) => x * factor + shiftMs;
      const { samples } = baseline.latency;
      return {
        ...baseline,
        latency: {
          ...baseline.latency,
          p50: move(baseline.latency.p50),
          p95: move(baseline.latency.p95),
          p99: move(baseline.latency.p99),
          ...(samples ? { samples: mapValues(samples, move) } : {}),
        },
      };
    }
    case 'cost_per_request':
      return { ...baseline, cost: driftMomentSums(baseline.cost, drift) };
    case 'input_tokens':
      return { ...baseline, inputTokens: driftMomentSums(baseline.inputTokens, drift) };
    case 'output_tokens':
      return { ...baseline, outputTokens: driftMomentSums(baseline.outputTokens, drift) };
    case 'quality':
      return { ...baseline, quality: driftMomentSums(baseline.quality, drift) };
  }
}
