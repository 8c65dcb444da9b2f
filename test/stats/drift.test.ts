/**
 * Difference-in-differences: a provider-wide slowdown seen by same-model peer prompts must not be blamed on the
 * deployment (before/after comparison), while a real regression on top of the drift still is.
 */
import { describe, expect, it } from 'vitest';
import {
  correctEffect,
  defaultDetectorConfig,
  driftMomentSums,
  estimateDrift,
  judgeMetric,
  judgeMetrics,
  judgeDeployment,
  pooledExceedanceCounts,
  sortedQuantile,
  type MetricDrift,
  type JudgedMetricName,
  type MetricName,
} from '../../server/stats/index.js';
import { latencyPair, moments, simulateArms } from './arms.js';
import { Random } from './random.js';

const config = defaultDetectorConfig();
const LATENCY_METRICS: JudgedMetricName[] = ['latency_p50', 'latency_p95', 'latency_p99'];

/** Peers' p-quantile before and after a slowdown by `factor`, each peer measured on its own traffic. */
function peerQuantiles(rng: Random, factor: number, q: number, peers = 5): { before: number; after: number }[] {
  return Array.from({ length: peers }, (_, i) => {
    const median = 400 + 200 * i;
    const before = rng.array(5000, (r) => r.lognormal(median, 0.5)).sort();
    const after = rng.array(5000, (r) => r.lognormal(median * factor, 0.5)).sort();
    return { before: sortedQuantile(before, q), after: sortedQuantile(after, q) };
  });
}

function latencyDrift(rng: Random, factor: number): Partial<Record<MetricName, MetricDrift>> {
  const drift: Partial<Record<MetricName, MetricDrift>> = {};
  for (const [name, q] of [
    ['latency_p50', 0.5],
    ['latency_p95', 0.95],
    ['latency_p99', 0.99],
  ] as const) {
    const d = estimateDrift(peerQuantiles(rng, factor, q), 'ratio');
    if (d) drift[name] = d;
  }
  return drift;
}

describe('drift helpers', () => {
  it('takes the median of the peers and corrects ratio and difference effects', () => {
    const d = estimateDrift(
      [
        { before: 100, after: 140 },
        { before: 200, after: 280 },
        { before: 50, after: 500 },
        { before: 0, after: 9 },
      ],
      'ratio',
    );
    expect(d).toEqual({ kind: 'ratio', factor: 1.4, peers: 3 }); // the 10× outlier and the zero are not decisive
    expect(correctEffect(1.82, { kind: 'ratio', factor: 1.4, peers: 3 })).toBeCloseTo(1.3, 12);
    const s = estimateDrift(
      [
        { before: 0.8, after: 0.75 },
        { before: 0.7, after: 0.64 },
      ],
      'difference',
    );
    expect(s?.kind).toBe('difference');
    expect(correctEffect(-0.1, s ?? { kind: 'difference', shift: 0, peers: 0 })).toBeCloseTo(-0.045, 12);
    expect(estimateDrift([], 'ratio')).toBeNull();
  });

  it('scales and shifts moment sums exactly', () => {
    const xs = [0.2, 0.5, 0.9, 0.4];
    const scaled = driftMomentSums(moments(xs), { kind: 'ratio', factor: 1.5, peers: 1 });
    const direct = moments(xs.map((x) => 1.5 * x));
    expect(scaled.sum).toBeCloseTo(direct.sum, 12);
    expect(scaled.sumSq).toBeCloseTo(direct.sumSq, 12);
    const shifted = driftMomentSums(moments(xs), { kind: 'difference', shift: -0.1, peers: 1 });
    const directShift = moments(xs.map((x) => x - 0.1));
    expect(shifted.sum).toBeCloseTo(directShift.sum, 12);
    expect(shifted.sumSq).toBeCloseTo(directShift.sumSq, 12);
  });
});

describe('a provider-wide ×1.4 slowdown', () => {
  // Before/after comparison: the prompt itself did not change, but every request after the deployment is 1.4×
  // slower because the provider slowed down; the peers on the same model see the same ×1.4.
  const rng = new Random(2024);
  const { baseline, candidate } = simulateArms(
    rng,
    { n: 12_000, latency: { median: 800, sigma: 0.5 } },
    { n: 12_000, latency: { median: 1120, sigma: 0.5 } },
  );
  const drift = latencyDrift(rng, 1.4);

  it('is blamed on the deployment without drift correction', () => {
    const off = { ...config, driftCorrection: false };
    for (const name of LATENCY_METRICS) {
      const v = judgeMetric(name, baseline, candidate, off, { drift });
      expect(v.verdict, name).toBe('warn');
      expect(v.effect, name).toBeGreaterThan(1.3);
    }
  });

  it('is not blamed on the deployment with drift correction', () => {
    for (const name of LATENCY_METRICS) {
      const v = judgeMetric(name, baseline, candidate, config, { drift });
      expect(v.verdict, `${name}: ${v.reason}`).toBe('pass');
      expect(v.effect, name).toBeGreaterThan(0.93);
      expect(v.effect, name).toBeLessThan(1.07);
      expect(v.drift?.rawEffect, name).toBeGreaterThan(1.3);
      expect(v.reason).toMatch(/peer drift removed/);
    }
    const metrics = judgeMetrics(baseline, candidate, config, { drift }).filter((m) =>
      LATENCY_METRICS.includes(m.name),
    );
    expect(judgeDeployment(metrics, config, { bakeEnded: true }).verdict).toBe('pass');
  });

  it('still catches a real ×1.3 regression on top of the drift', () => {
    const worse = simulateArms(
      new Random(99),
      { n: 12_000, latency: { median: 800, sigma: 0.5 } },
      { n: 12_000, latency: { median: 800 * 1.4 * 1.3, sigma: 0.5 } },
    );
    for (const name of LATENCY_METRICS) {
      const v = judgeMetric(name, worse.baseline, worse.candidate, config, { drift });
      expect(v.verdict, `${name}: ${v.reason}`).toBe('warn');
      expect(v.effect, name).toBeGreaterThan(1.2);
      expect(v.effect, name).toBeLessThan(1.4);
    }
  });

  it('uses SQL exceedance counts only when they were computed with the drift factor', () => {
    const factor = drift.latency_p95?.kind === 'ratio' ? drift.latency_p95.factor : NaN;
    const a = baseline.latency.samples ?? [];
    const b = candidate.latency.samples ?? [];
    const counts = pooledExceedanceCounts(a, b, 0.95, factor);
    const withoutSamples = (arm: typeof baseline, above: number, scale?: number) => ({
      ...arm,
      latency: {
        p50: arm.latency.p50,
        p95: arm.latency.p95,
        p99: arm.latency.p99,
        aboveP95Pooled: above,
        ...(scale ? { pooledCountsBaselineScale: scale } : {}),
      },
    });
    const good = judgeMetric(
      'latency_p95',
      withoutSamples(baseline, counts.baselineAbove, factor),
      withoutSamples(candidate, counts.candidateAbove),
      config,
      { drift },
    );
    expect(good.verdict).toBe('pass');
    // unscaled counts cannot be corrected, and with no samples to recompute them the metric is inconclusive
    const stale = latencyPair(Float64Array.from(a), Float64Array.from(b));
    const bad = judgeMetric(
      'latency_p95',
      withoutSamples(baseline, stale.baseline.aboveP95Pooled ?? 0),
      withoutSamples(candidate, stale.candidate.aboveP95Pooled ?? 0),
      config,
      { drift },
    );
    expect(bad.verdict).toBe('inconclusive');
    expect(bad.reason).toMatch(/no counts above the pooled p95/);
  });

  it('corrects quality by the peers’ difference and error rate by the peers’ ratio', () => {
    const arms = simulateArms(
      new Random(5),
      { n: 3000, errorRate: 0.01, quality: { mean: 0.8, sd: 0.1 } },
      { n: 3000, errorRate: 0.04, quality: { mean: 0.7, sd: 0.1 } },
    );
    const raw = judgeMetrics(arms.baseline, arms.candidate, config);
    expect(raw.find((m) => m.name === 'error_rate')?.verdict).toBe('fail');
    expect(raw.find((m) => m.name === 'quality')?.verdict).toBe('fail');
    const corrected = judgeMetrics(arms.baseline, arms.candidate, config, {
      drift: {
        error_rate: { kind: 'ratio', factor: 4, peers: 4 },
        quality: { kind: 'difference', shift: -0.1, peers: 4 },
      },
    });
    expect(corrected.find((m) => m.name === 'error_rate')?.verdict).toBe('pass');
    expect(corrected.find((m) => m.name === 'quality')?.verdict).toBe('pass');
  });
});
