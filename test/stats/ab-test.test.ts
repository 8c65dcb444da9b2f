/**
 * A/B verdicts: a real difference picks the right winner with its interval; A/A (and A/A/A) tests over many seeds
 * declare a winner at most α of the time (within ~3 binomial standard errors); too little traffic says "no
 * detectable difference" with the difference it could have detected; guardrails are the caller's (see ab-result).
 */
import { describe, expect, it } from 'vitest';
import { judgeAbTest, type VariantMoments } from '../../server/stats/index.js';
import { Random } from './random.js';

function variant(rng: Random, version: number, n: number, draw: (rng: Random) => number): VariantMoments {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = draw(rng);
    sum += x;
    sumSq += x * x;
  }
  return { version, n, sum, sumSq };
}

const quality = (mean: number) => (rng: Random) => Math.min(1, Math.max(0, rng.normal(mean, 0.15)));
const OPTIONS = { goal: 'increase' as const, alpha: 0.05, minSamples: 100 };

describe('an A/B test', () => {
  it('picks the variant that is really better, with an interval around the true effect', () => {
    const rng = new Random(7);
    const result = judgeAbTest([variant(rng, 1, 3000, quality(0.8)), variant(rng, 2, 3000, quality(0.83))], OPTIONS);
    expect(result).toMatchObject({ outcome: 'winner', winner: 2, runnerUp: 1 });
    const effect = result.effect as NonNullable<typeof result.effect>;
    expect(effect.ci[0]).toBeLessThan(0.03);
    expect(effect.ci[1]).toBeGreaterThan(0.03);
    expect(effect.ci[0]).toBeGreaterThan(0);
    expect(effect.relative).toBeCloseTo(0.03 / 0.8, 1);
  });

  it('picks the cheapest of three variants when the goal is to decrease, beating each other one', () => {
    const rng = new Random(11);
    const cost = (median: number) => (r: Random) => r.lognormal(median, 0.3);
    const result = judgeAbTest(
      [variant(rng, 1, 2000, cost(0.002)), variant(rng, 2, 2000, cost(0.0015)), variant(rng, 3, 2000, cost(0.00195))],
      { ...OPTIONS, goal: 'decrease' },
    );
    expect(result).toMatchObject({ outcome: 'winner', winner: 2, pairAlpha: 0.05 / 3 });
    expect(result.comparisons).toHaveLength(3);
    expect(result.effect?.diff).toBeLessThan(0);
  });

  it('says there is no detectable difference at low traffic, with the difference it could have detected', () => {
    const rng = new Random(3);
    const result = judgeAbTest([variant(rng, 1, 150, quality(0.8)), variant(rng, 2, 150, quality(0.81))], OPTIONS);
    expect(result.outcome).toBe('no_difference');
    expect(result.winner).toBeNull();
    // 150 per arm, sd 0.15: differences under ≈ 0.048 go unseen — far more than the true 0.01.
    expect(result.detectable).toBeGreaterThan(0.04);
    expect(result.detectable).toBeLessThan(0.06);
  });

  it('concludes nothing below the minimum samples of any variant', () => {
    const rng = new Random(5);
    const result = judgeAbTest([variant(rng, 1, 5000, quality(0.5)), variant(rng, 2, 99, quality(0.9))], OPTIONS);
    expect(result).toMatchObject({ outcome: 'insufficient', winner: null, comparisons: [] });
  });

  for (const arms of [2, 3]) {
    it(`A/A${arms === 3 ? '/A' : ''}: a winner in at most α of ${arms === 2 ? 600 : 400} seeds`, () => {
      const seeds = arms === 2 ? 600 : 400;
      let winners = 0;
      for (let seed = 1; seed <= seeds; seed++) {
        const rng = new Random(seed * 7919 + arms);
        const variants = Array.from({ length: arms }, (_, i) => variant(rng, i + 1, 500, quality(0.8)));
        if (judgeAbTest(variants, OPTIONS).outcome === 'winner') winners++;
      }
      const alpha = OPTIONS.alpha;
      expect(winners / seeds).toBeLessThanOrEqual(alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / seeds));
      // Not a dead test either: two variants get a false winner now and then (two-sided α).
      if (arms === 2) expect(winners).toBeGreaterThan(0);
    });
  }
});
