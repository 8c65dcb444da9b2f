import { describe, expect, it } from 'vitest';
import {
  erf,
  incompleteBeta,
  lgamma,
  normalCdf,
  normalQuantile,
  normalSf,
  studentTCdf,
  studentTQuantile,
} from '../../server/stats/index.js';

describe('normal distribution', () => {
  it('matches published values of Φ (Abramowitz & Stegun table 26.1, 10 digits)', () => {
    const table: [number, number][] = [
      [0, 0.5],
      [0.5, 0.6914624613],
      [1, 0.8413447461],
      [1.96, 0.9750021049],
      [2.5, 0.9937903347],
      [-3, 0.001349898032],
    ];
    for (const [z, p] of table) expect(normalCdf(z)).toBeCloseTo(p, 9);
  });

  it('keeps relative precision far in the tails', () => {
    // scipy.stats.norm.cdf(-8) = 6.22096057427174e-16, norm.sf(10) = 7.61985302416047e-24
    expect(normalCdf(-8) / 6.22096057427174e-16).toBeCloseTo(1, 10);
    expect(normalSf(10) / 7.61985302416047e-24).toBeCloseTo(1, 10);
    expect(normalSf(3)).toBeCloseTo(normalCdf(-3), 15);
  });

  it('erf matches known values', () => {
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 12);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 12);
    expect(erf(-2)).toBeCloseTo(-0.9953222650189527, 12);
  });

  it('inverts Φ: the usual critical values, and round trips to 1e-12', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 9);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644853627, 9);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829304, 9);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 9);
    for (const p of [1e-12, 1e-6, 0.01, 0.02425, 0.2, 0.5, 0.77, 0.97575, 0.9999]) {
      const z = normalQuantile(p);
      expect(Math.abs(normalCdf(z) - p) / Math.min(p, 1 - p)).toBeLessThan(1e-12);
    }
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
  });
});

describe('gamma and beta functions', () => {
  it('lgamma matches ln Γ at known points', () => {
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(lgamma(1)).toBeCloseTo(0, 13);
    expect(lgamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(lgamma(100)).toBeCloseTo(359.1342053695754, 9);
    expect(lgamma(0.1)).toBeCloseTo(2.252712651734206, 12);
  });

  it('the regularized incomplete beta matches closed forms', () => {
    // I_x(1, b) = 1 − (1 − x)^b and I_x(a, 1) = x^a
    expect(incompleteBeta(0.3, 1, 4)).toBeCloseTo(1 - 0.7 ** 4, 13);
    expect(incompleteBeta(0.3, 2.5, 1)).toBeCloseTo(0.3 ** 2.5, 13);
    // symmetry I_x(a, b) = 1 − I_{1−x}(b, a)
    expect(incompleteBeta(0.42, 3.3, 7.1)).toBeCloseTo(1 - incompleteBeta(0.58, 7.1, 3.3), 13);
  });
});

describe("Student's t distribution", () => {
  it('matches exact CDFs for 1 and 2 degrees of freedom', () => {
    for (const t of [-30, -2, -0.3, 0, 0.7, 4, 100]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 13);
    }
  });

  it('reproduces the printed critical-value table (two-sided 95%, one-sided 95%)', () => {
    const twoSided95: [number, number][] = [
      [1, 12.706],
      [2, 4.303],
      [5, 2.571],
      [10, 2.228],
      [30, 2.042],
      [120, 1.98],
    ];
    for (const [df, t] of twoSided95) {
      expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 3);
      expect(studentTCdf(t, df)).toBeCloseTo(0.975, 4);
    }
    expect(studentTQuantile(0.95, 5)).toBeCloseTo(2.015, 3);
    expect(studentTQuantile(0.95, 10)).toBeCloseTo(1.812, 3);
    expect(studentTQuantile(0.05, 10)).toBeCloseTo(-1.812, 3);
  });

  it('agrees with SciPy at fractional df and in the tail, and tends to the normal', () => {
    // scipy.stats.t.cdf(-5, 24.9) = 1.883514397049651e-05; t.cdf(-3, 3.5) = 0.02368761974237321
    expect(studentTCdf(-5, 24.9) / 1.883514397049651e-5).toBeCloseTo(1, 10);
    expect(studentTCdf(-3, 3.5)).toBeCloseTo(0.02368761974237321, 13);
    // scipy.stats.t.ppf(0.995, 2.7) = 6.533128433408452
    expect(studentTQuantile(0.995, 2.7)).toBeCloseTo(6.533128433408452, 9);
    expect(studentTCdf(1.5, 1e9)).toBeCloseTo(normalCdf(1.5), 12);
    expect(studentTCdf(1.5, 2e5)).toBeCloseTo(normalCdf(1.5), 5);
  });
});
