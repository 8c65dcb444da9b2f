import { describe, expect, it } from 'vitest';
import { msprt, msprtFromSummaries, msprtProportions } from '../../server/stats/index.js';
import { Random } from './random.js';

describe('mSPRT', () => {
  it('computes log Λ = ½·ln(v/(v+τ²)) + τ²d²/(2v(v+τ²))', () => {
    // d = 0.5, v = 0.04, τ = 0.3 → log Λ = 1.5741340402907151 (computed independently)
    const r = msprt({ d: 0.5, v: 0.04, tau: 0.3, alpha: 0.05, harmful: 'increase' });
    expect(r.logLambda).toBeCloseTo(1.5741340402907151, 12);
    expect(r.eValue).toBeCloseTo(Math.exp(1.5741340402907151), 10);
    expect(r.logThreshold).toBeCloseTo(Math.log(20), 12);
    expect(r.rejected).toBe(false); // Λ ≈ 4.8 < 20
    expect(msprt({ d: 0.5, v: 0.04, tau: 0.3, alpha: 0.25, harmful: 'increase' }).rejected).toBe(true); // 4.8 ≥ 4
  });

  it('only rejects in the harmful direction', () => {
    const up = msprt({ d: 2, v: 0.04, tau: 0.3, alpha: 0.01, harmful: 'increase' });
    const down = msprt({ d: -2, v: 0.04, tau: 0.3, alpha: 0.01, harmful: 'increase' });
    expect(up.logLambda).toBeCloseTo(down.logLambda, 12);
    expect(up.rejected).toBe(true);
    expect(down.rejected).toBe(false);
    expect(msprt({ d: -2, v: 0.04, tau: 0.3, alpha: 0.01, harmful: 'decrease' }).rejected).toBe(true);
  });

  it('is an e-value: E[Λ] = 1 under no change', () => {
    // d ~ N(0, v): the mixture likelihood ratio has mean exactly 1 (finite variance needs τ² < v).
    const rng = new Random(11);
    let total = 0;
    const draws = 200_000;
    for (let i = 0; i < draws; i++) {
      total += msprt({ d: rng.normal(0, 1), v: 1, tau: 0.5, alpha: 0.05, harmful: 'increase' }).eValue;
    }
    expect(total / draws).toBeGreaterThan(0.98);
    expect(total / draws).toBeLessThan(1.02);
  });

  it('works from summaries and from proportions', () => {
    const s = msprtFromSummaries(
      { n: 100, mean: 1, variance: 4 },
      { n: 100, mean: 1.5, variance: 4 },
      0.3,
      0.05,
      'increase',
    );
    expect(s?.v).toBeCloseTo(0.08, 12);
    expect(s?.d).toBeCloseTo(0.5, 12);
    expect(
      msprtFromSummaries({ n: 1, mean: 1, variance: NaN }, { n: 100, mean: 1, variance: 4 }, 0.3, 0.05, 'increase'),
    ).toBeNull();
    // 10/1000 vs 40/1000, τ = 0.0125 → log Λ = 6.395128632279458 ≥ ln(300) = 5.70
    const p = msprtProportions(10, 1000, 40, 1000, 0.0125, 0.01 / 3, 'increase');
    expect(p?.logLambda).toBeCloseTo(6.395128632279458, 10);
    expect(p?.rejected).toBe(true);
    expect(msprtProportions(0, 1000, 0, 1000, 0.01, 0.05, 'increase')?.logLambda).toBe(0);
    expect(msprt({ d: 0.1, v: 0, tau: 0.1, alpha: 0.05, harmful: 'increase' }).rejected).toBe(true);
    expect(msprt({ d: 0.1, v: 0.01, tau: 0, alpha: 0.05, harmful: 'increase' }).logLambda).toBe(0);
  });
});
