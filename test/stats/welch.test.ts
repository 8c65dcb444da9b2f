import { describe, expect, it } from 'vitest';
import { summaryFromSums, welchTTest, type MeanSummary } from '../../server/stats/index.js';
import { moments } from './arms.js';

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const variance = (xs: number[]) => xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1);
const summary = (xs: number[]): MeanSummary => ({ n: xs.length, mean: mean(xs), variance: variance(xs) });

// Wikipedia, "Welch's t-test", example 1: t = −2.46, ν ≈ 25.0, p = 0.021 (A1 vs A2). Digits from
// scipy.stats.ttest_ind(A2, A1, equal_var=False): t = 2.455356398286006, df = 24.988529290231416,
// p = 0.021378001462866992, 95% CI (0.3492370661924069, 3.984096267140929), one-sided p = 0.010689000731433496.
const A1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
const A2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];

describe('welchTTest', () => {
  it('reproduces the textbook example', () => {
    const r = welchTTest(summary(A1), summary(A2));
    expect(r).not.toBeNull();
    if (!r) return;
    expect(r.t).toBeCloseTo(2.455356398286006, 10);
    expect(r.df).toBeCloseTo(24.988529290231416, 10);
    expect(r.pTwoSided).toBeCloseTo(0.021378001462866992, 10);
    expect(r.pGreater).toBeCloseTo(0.010689000731433496, 10);
    expect(r.pLess).toBeCloseTo(1 - 0.010689000731433496, 10);
    expect(r.ci[0]).toBeCloseTo(0.3492370661924069, 9);
    expect(r.ci[1]).toBeCloseTo(3.984096267140929, 9);
    expect(r.diff).toBeCloseTo(22.986666666666665 - 20.82, 12);
  });

  it('gives the same answer from count / sum / sum of squares, and is antisymmetric', () => {
    const fromSums = welchTTest(summaryFromSums(moments(A1)), summaryFromSums(moments(A2)));
    expect(fromSums?.t).toBeCloseTo(2.455356398286006, 9);
    const swapped = welchTTest(summary(A2), summary(A1));
    expect(swapped?.t).toBeCloseTo(-2.455356398286006, 10);
    expect(swapped?.pLess).toBeCloseTo(0.010689000731433496, 10);
  });

  it('guards n < 2 and zero variance', () => {
    expect(welchTTest({ n: 1, mean: 3, variance: 0 }, summary(A2))).toBeNull();
    expect(summaryFromSums({ n: 1, sum: 3, sumSq: 9 }).variance).toBeNaN();
    expect(summaryFromSums({ n: 0, sum: 0, sumSq: 0 }).mean).toBeNaN();
    // all values equal: sum-of-squares cancellation must not produce a negative variance
    expect(summaryFromSums({ n: 3, sum: 0.3, sumSq: 0.03 }).variance).toBeGreaterThanOrEqual(0);
    const same = welchTTest({ n: 10, mean: 5, variance: 0 }, { n: 10, mean: 5, variance: 0 });
    expect(same).toMatchObject({ t: 0, pTwoSided: 1, pGreater: 1, pLess: 1 });
    const higher = welchTTest({ n: 10, mean: 5, variance: 0 }, { n: 10, mean: 6, variance: 0 });
    expect(higher).toMatchObject({ t: Infinity, pTwoSided: 0, pGreater: 0, pLess: 1, df: 18 });
    // one arm constant: df comes from the other arm alone (n − 1)
    const oneConstant = welchTTest({ n: 10, mean: 5, variance: 0 }, summary(A2));
    expect(oneConstant?.df).toBeCloseTo(A2.length - 1, 10);
  });
});
