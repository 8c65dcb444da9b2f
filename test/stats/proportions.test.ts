import { describe, expect, it } from 'vitest';
import {
  quantileExceedanceTest,
  pooledExceedanceCounts,
  sortedQuantile,
  twoProportionZTest,
  wilsonInterval,
} from '../../server/stats/index.js';
import { Random } from './random.js';

describe('twoProportionZTest (pooled)', () => {
  it('matches the pooled z formula computed independently', () => {
    // 10/1000 vs 40/1000: p̂ = 0.025, z = 0.03 / sqrt(0.025·0.975·0.002) = 4.296689244236597,
    // one-sided p = scipy.stats.norm.sf(z) = 8.668398319806316e-06
    const r = twoProportionZTest(10, 1000, 40, 1000);
    expect(r?.z).toBeCloseTo(4.296689244236597, 12);
    expect((r?.pGreater ?? 0) / 8.668398319806316e-6).toBeCloseTo(1, 9);
    expect((r?.pTwoSided ?? 0) / 1.7336796639612633e-5).toBeCloseTo(1, 9);
    // 120/2000 vs 95/2000: z = −1.752741349875255, two-sided p = 0.07964641452575807
    const s = twoProportionZTest(120, 2000, 95, 2000);
    expect(s?.z).toBeCloseTo(-1.752741349875255, 12);
    expect(s?.pTwoSided).toBeCloseTo(0.07964641452575807, 12);
    expect(s?.pGreater).toBeCloseTo(0.960176792737121, 12);
  });

  it('handles empty arms and identical all-zero arms', () => {
    expect(twoProportionZTest(0, 0, 3, 100)).toBeNull();
    expect(twoProportionZTest(0, 100, 0, 100)).toMatchObject({ z: 0, pGreater: 1, pLess: 1, pTwoSided: 1 });
  });
});

describe('wilsonInterval', () => {
  it('matches published intervals (Newcombe 1998: 81/263 → 0.2553–0.3662)', () => {
    const r = wilsonInterval(81, 263);
    expect(r.low).toBeCloseTo(0.2552885198782742, 12);
    expect(r.high).toBeCloseTo(0.36620957698280004, 12);
    const eight = wilsonInterval(8, 10);
    expect(eight.low).toBeCloseTo(0.49016247153664183, 12);
    expect(eight.high).toBeCloseTo(0.9433178485456247, 12);
    const zero = wilsonInterval(0, 20);
    expect(zero.low).toBe(0);
    expect(zero.high).toBeCloseTo(0.16112515805281938, 12);
    const ninetyNine = wilsonInterval(15, 148, 0.99);
    expect(ninetyNine.low).toBeCloseTo(0.05364486961396486, 12);
    expect(ninetyNine.high).toBeCloseTo(0.1832673501131525, 12);
  });
});

describe('pooled-quantile exceedance', () => {
  it('counts values strictly above the pooled quantile', () => {
    const baseline = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const candidate = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
    // pooled (20 values) type-7 0.75-quantile: h = 19·0.75 = 14.25 → between sorted[14] = 10 and sorted[15] = 10 → 10
    const c = pooledExceedanceCounts(baseline, candidate, 0.75);
    expect(c.pooledQuantile).toBe(10);
    expect(c.baselineAbove).toBe(0);
    expect(c.candidateAbove).toBe(4);
    expect(c.baselineQuantile).toBeCloseTo(sortedQuantile(baseline, 0.75), 12);
    expect(sortedQuantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    // a baseline scale of 2 is the same as doubling the baseline values
    const scaled = pooledExceedanceCounts(baseline, candidate, 0.75, 2);
    const doubled = pooledExceedanceCounts(
      baseline.map((x) => 2 * x),
      candidate,
      0.75,
    );
    expect(scaled).toEqual(doubled);
  });

  it('finds the pooled quantile of the merged arms without sorting them together', () => {
    const rng = new Random(3);
    for (const [na, nb] of [
      [1, 1],
      [7, 3],
      [500, 2000],
      [1999, 2001],
    ] as const) {
      const a = rng.array(na, (r) => Math.round(r.lognormal(100, 1))); // rounded: many ties
      const b = rng.array(nb, (r) => Math.round(r.lognormal(120, 1)));
      const pooled = Float64Array.from([...a, ...b]).sort();
      for (const q of [0, 0.5, 0.95, 0.99, 1]) {
        const c = pooledExceedanceCounts(a, b, q);
        expect(c.pooledQuantile).toBeCloseTo(sortedQuantile(pooled, q), 9);
        expect(c.baselineAbove + c.candidateAbove).toBe(pooled.filter((x) => x > c.pooledQuantile).length);
      }
    }
    expect(pooledExceedanceCounts([1, NaN, 2], [3, Infinity], 0.5).pooledQuantile).toBe(2);
  });

  it('tests the fractions one-sided and reports the quantile ratio', () => {
    const r = quantileExceedanceTest({ n: 2000, above: 70, quantile: 800 }, { n: 2000, above: 130, quantile: 1000 });
    expect(r?.quantileRatio).toBeCloseTo(1.25, 12);
    expect(r?.candidateFraction).toBeCloseTo(0.065, 12);
    // z = 0.03 / sqrt(0.05·0.95·0.001) = 4.352858...
    expect(r?.z).toBeCloseTo(0.03 / Math.sqrt(0.05 * 0.95 * 0.001), 10);
    expect(r?.pGreater).toBeLessThan(1e-4);
    expect(r?.pLess).toBeGreaterThan(0.9999);
  });
});
