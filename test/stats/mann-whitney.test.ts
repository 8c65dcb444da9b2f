import { describe, expect, it } from 'vitest';
import { mannWhitneyU, median } from '../../server/stats/index.js';
import { Random } from './random.js';

// Reference values: scipy.stats.mannwhitneyu(candidate, baseline, method='asymptotic', alternative=…).
const X = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
const Y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
const TIED_BASELINE = [1, 2, 2, 3, 3, 3, 4, 5, 5, 6];
const TIED_CANDIDATE = [2, 3, 4, 4, 5, 5, 6, 6, 7, 8, 8];

describe('mannWhitneyU', () => {
  it('matches SciPy without ties', () => {
    const greater = mannWhitneyU(X, Y, { alternative: 'greater' });
    expect(greater?.u).toBe(23);
    expect(greater?.p).toBeCloseTo(0.9442044002897128, 12);
    expect(mannWhitneyU(X, Y, { alternative: 'less' })?.p).toBeCloseTo(0.06645972909265946, 12);
    expect(mannWhitneyU(X, Y, { alternative: 'two-sided' })?.p).toBeCloseTo(0.13291945818531892, 12);
  });

  it('matches SciPy with ties (tie-corrected variance), with and without continuity correction', () => {
    const r = mannWhitneyU(TIED_BASELINE, TIED_CANDIDATE, { alternative: 'greater' });
    expect(r?.u).toBe(84.5);
    expect(r?.p).toBeCloseTo(0.019491969886134795, 12);
    const noCc = mannWhitneyU(TIED_BASELINE, TIED_CANDIDATE, { alternative: 'greater', continuityCorrection: false });
    expect(noCc?.p).toBeCloseTo(0.01786667600867412, 12);
    expect(mannWhitneyU(TIED_BASELINE, TIED_CANDIDATE, { alternative: 'two-sided' })?.p).toBeCloseTo(
      0.03898393977226959,
      12,
    );
  });

  it('reports medians and their ratio, accepts given medians, ignores non-finite values', () => {
    const r = mannWhitneyU([1, 2, 3, NaN, Infinity], [2, 4, 6, 8]);
    expect(r?.nBaseline).toBe(3);
    expect(r?.baselineMedian).toBe(2);
    expect(r?.candidateMedian).toBe(5);
    expect(r?.medianRatio).toBe(2.5);
    const given = mannWhitneyU([1, 2, 3], [2, 4, 6, 8], { baselineMedian: 4, candidateMedian: 6 });
    expect(given?.medianRatio).toBe(1.5);
    expect(median([5, 1, 3])).toBe(3);
    expect(mannWhitneyU([], [1, 2])).toBeNull();
    expect(mannWhitneyU([3, 3], [3, 3])?.p).toBe(1); // all tied: no information
  });

  it('handles 100,000 values per arm quickly and detects a 2% shift', () => {
    const rng = new Random(7);
    const a = rng.array(100_000, (r) => r.lognormal(800, 0.5));
    const b = rng.array(100_000, (r) => r.lognormal(816, 0.5));
    const started = performance.now();
    const r = mannWhitneyU(a, b);
    expect(performance.now() - started).toBeLessThan(1000);
    // shift of ln(1.02)/0.5 = 0.04 sd: z ≈ 0.04·sqrt(50,000)·0.977 ≈ 8.7
    expect(r?.z).toBeGreaterThan(5);
    expect(r?.medianRatio).toBeGreaterThan(1.01);
    expect(r?.medianRatio).toBeLessThan(1.03);
  });
});
