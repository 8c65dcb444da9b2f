/**
 * Planted regressions at each metric's minimum sample size must be detected (warn or fail), and below the
 * minimum the verdict is always inconclusive, never fail, however large the shift.
 */
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig, judgeMetric, type MetricName, type Verdict } from '../../server/stats/index.js';
import { simulateArms, type ArmSpec } from './arms.js';
import { Random } from './random.js';

const config = defaultDetectorConfig();
const LATENCY = { median: 800, sigma: 0.5 };
const SLOWER = { median: 800 * 1.3, sigma: 0.5 };

function verdicts(name: MetricName, baseline: ArmSpec, candidate: ArmSpec, seeds: number): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { pass: 0, warn: 0, fail: 0, inconclusive: 0 };
  for (let seed = 1; seed <= seeds; seed++) {
    const arms = simulateArms(new Random(seed * 7 + 3), baseline, candidate);
    counts[judgeMetric(name, arms.baseline, arms.candidate, config).verdict]++;
  }
  return counts;
}

describe('planted shifts at the minimum sample size', () => {
  it('latency ×1.3 (lognormal) warns on p50, p95 and p99', () => {
    for (const [name, n, seeds] of [
      ['latency_p50', 300, 100],
      ['latency_p95', 2000, 100],
      ['latency_p99', 10_000, 40],
    ] as const) {
      const c = verdicts(name, { n, latency: LATENCY }, { n, latency: SLOWER }, seeds);
      // ×1.3 is past the warn thresholds (1.10 / 1.15 / 1.25) and below the fail threshold (1.5 / 1.5 / 2.0)
      expect((c.warn + c.fail) / seeds, name).toBeGreaterThanOrEqual(0.9);
      expect(c.warn, name).toBeGreaterThan(c.fail);
      expect(c.inconclusive, name).toBe(0);
    }
  });

  it('error rate 1% → 4% fails (ratio ≥ 3) with 1,000 requests per arm', () => {
    const c = verdicts('error_rate', { n: 1000, errorRate: 0.01 }, { n: 1000, errorRate: 0.04 }, 200);
    expect((c.warn + c.fail) / 200).toBeGreaterThanOrEqual(0.97);
    expect(c.fail / 200).toBeGreaterThanOrEqual(0.75);
  });

  it('quality −0.1 fails with 500 scores per arm', () => {
    const c = verdicts(
      'quality',
      { n: 500, quality: { mean: 0.8, sd: 0.15 } },
      { n: 500, quality: { mean: 0.7, sd: 0.15 } },
      200,
    );
    expect((c.warn + c.fail) / 200).toBeGreaterThanOrEqual(0.97);
    expect(c.fail / 200).toBeGreaterThanOrEqual(0.85);
  });

  it('cost ×1.5 is detected with 200 requests per arm (about half at the fail threshold itself)', () => {
    const c = verdicts(
      'cost_per_request',
      { n: 200, cost: { median: 0.002, sigma: 0.5 } },
      { n: 200, cost: { median: 0.003, sigma: 0.5 } },
      200,
    );
    expect((c.warn + c.fail) / 200).toBeGreaterThanOrEqual(0.95);
    expect(c.fail / 200).toBeGreaterThan(0.3);
    expect(c.warn / 200).toBeGreaterThan(0.3);
  });

  it('improvements are never regressions', () => {
    const faster = verdicts('latency_p95', { n: 2000, latency: SLOWER }, { n: 2000, latency: LATENCY }, 30);
    const better = verdicts(
      'quality',
      { n: 500, quality: { mean: 0.7, sd: 0.15 } },
      { n: 500, quality: { mean: 0.8, sd: 0.15 } },
      30,
    );
    const cheaper = verdicts(
      'cost_per_request',
      { n: 200, cost: { median: 0.003, sigma: 0.5 } },
      { n: 200, cost: { median: 0.002, sigma: 0.5 } },
      30,
    );
    expect([faster.pass, better.pass, cheaper.pass]).toEqual([30, 30, 30]);
  });
});

describe('below the minimum sample size', () => {
  const huge: [MetricName, ArmSpec, ArmSpec][] = [
    ['error_rate', { n: 999, errorRate: 0.01 }, { n: 999, errorRate: 0.3 }],
    ['latency_p50', { n: 299, latency: LATENCY }, { n: 299, latency: { median: 8000, sigma: 0.5 } }],
    ['latency_p95', { n: 1999, latency: LATENCY }, { n: 1999, latency: { median: 8000, sigma: 0.5 } }],
    ['latency_p99', { n: 9999, latency: LATENCY }, { n: 9999, latency: { median: 8000, sigma: 0.5 } }],
    [
      'cost_per_request',
      { n: 199, cost: { median: 0.002, sigma: 0.5 } },
      { n: 199, cost: { median: 0.02, sigma: 0.5 } },
    ],
    [
      'output_tokens',
      { n: 199, outputTokens: { mean: 400, sd: 50 } },
      { n: 199, outputTokens: { mean: 4000, sd: 50 } },
    ],
    ['quality', { n: 499, quality: { mean: 0.9, sd: 0.05 } }, { n: 499, quality: { mean: 0.2, sd: 0.05 } }],
  ];
  for (const [name, baseline, candidate] of huge) {
    it(`${name}: inconclusive, never fail, even for a tenfold regression`, () => {
      const c = verdicts(name, baseline, candidate, 3);
      expect(c.inconclusive).toBe(3);
    });
  }

  it('error rate with enough requests but fewer than 10 errors in both arms is inconclusive', () => {
    const c = verdicts('error_rate', { n: 5000, errorRate: 0.0002 }, { n: 5000, errorRate: 0.0008 }, 20);
    expect(c.inconclusive).toBeGreaterThan(10);
    expect(c.fail).toBe(0);
  });

  it('one arm below the minimum is enough to be inconclusive', () => {
    const c = verdicts(
      'quality',
      { n: 5000, quality: { mean: 0.9, sd: 0.05 } },
      { n: 100, quality: { mean: 0.2, sd: 0.05 } },
      3,
    );
    expect(c.inconclusive).toBe(3);
  });
});
