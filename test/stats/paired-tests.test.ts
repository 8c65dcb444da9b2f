import { describe, expect, it } from 'vitest';
import { holmAdjust } from '../../server/stats/holm.js';
import { exactMcNemar } from '../../server/stats/mcnemar.js';
import { comparePaired, type PairedScore } from '../../server/stats/paired-comparison.js';
import { wilcoxonSignedRank } from '../../server/stats/wilcoxon.js';

/** The worked examples of integrations.md section G (scipy binomtest / wilcoxon(method='exact') agree). */

/** `n` items of a category with A pass & B fail = b, A fail & B pass = c, both passing = both, the rest both failing. */
function category(name: string, n: number, both: number, b: number, c: number): PairedScore[] {
  const item = (baseline: number, candidate: number) => ({ category: name, baseline, candidate });
  return [
    ...Array.from({ length: both }, () => item(1, 1)),
    ...Array.from({ length: b }, () => item(1, 0)),
    ...Array.from({ length: c }, () => item(0, 1)),
    ...Array.from({ length: n - both - b - c }, () => item(0, 0)),
  ];
}

describe('exact McNemar', () => {
  it.each([
    [3, 18, 0.00149],
    [2, 8, 0.109],
    [2, 0, 0.5],
    [3, 1, 0.625],
    [7, 26, 0.00132],
    [5, 0, 0.0625],
    [6, 0, 0.03125],
  ])('b = %i, c = %i → p = %f', (b, c, p) => {
    expect(exactMcNemar(b, c).pValue).toBeCloseTo(p, p < 0.01 ? 5 : 3);
  });

  it('is 1 with no discordant pair, and refuses negative counts', () => {
    expect(exactMcNemar(0, 0).pValue).toBe(1);
    expect(() => exactMcNemar(-1, 2)).toThrow(RangeError);
  });
});

describe('exact Wilcoxon signed-rank', () => {
  it('matches the worked example: the zero dropped, W⁻ = 4, W⁺ = 41, p = 2·7/512', () => {
    const d = [0.1, 0.05, -0.02, 0.08, 0.12, 0.0, 0.03, 0.07, -0.04, 0.09];
    const r = wilcoxonSignedRank(d);
    expect(r).toMatchObject({ n: 9, wMinus: 4, wPlus: 41 });
    expect(r.pValue).toBeCloseTo((2 * 7) / 512, 10);
  });

  it('gives average ranks to ties and p = 1 for identical scores', () => {
    expect(wilcoxonSignedRank([0.5, -0.5, 0.5, -0.5]).pValue).toBe(1);
    expect(wilcoxonSignedRank([0, 0, 0]).pValue).toBe(1);
    // six positive differences all one way: the smallest possible exact p, 2/64
    expect(wilcoxonSignedRank([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]).pValue).toBeCloseTo(2 / 64, 12);
  });
});

describe('Holm adjustment', () => {
  it('matches the worked example and R p.adjust', () => {
    const [shipping, refunds, billing] = holmAdjust([0.00149, 0.109, 0.5]);
    expect(shipping).toBeCloseTo(0.0045, 4);
    expect(refunds).toBeCloseTo(0.218, 3);
    expect(billing).toBeCloseTo(0.5, 6);
    expect(holmAdjust([0.01, null, 0.04, 0.03])).toEqual([0.03, null, 0.06, 0.06]);
  });
});

describe('per-category paired comparison', () => {
  const items = [
    ...category('shipping', 60, 27, 3, 18),
    ...category('refunds', 40, 26, 2, 8),
    ...category('billing', 5, 2, 2, 0),
  ];
  const { overall, categories } = comparePaired(items, 'binary');
  const row = (name: string) => categories.find((c) => c.category === name)!;

  it('reports the worked example row by row', () => {
    expect(row('shipping')).toMatchObject({ n: 60, baselinePassed: 30, candidatePassed: 45, worse: 3, better: 18 });
    expect(row('shipping').adjustedP).toBeCloseTo(0.0045, 4);
    expect(row('shipping').status).toBe('improved');
    expect(row('refunds')).toMatchObject({ baselinePassed: 28, candidatePassed: 34, status: 'not_significant' });
    expect(row('refunds').adjustedP).toBeCloseTo(0.219, 3);
    expect(row('billing')).toMatchObject({ n: 5, baselinePassed: 4, candidatePassed: 2, status: 'not_enough_items' });
    expect(row('billing').summary).toBe(
      'billing 4/5 → 2/5: not enough items: 2 discordant items, a change needs ≥ 6; McNemar exact p = 0.5, Holm-adjusted 0.5',
    );
    expect(overall).toMatchObject({
      category: 'all',
      n: 105,
      baselinePassed: 62,
      candidatePassed: 81,
      status: 'improved',
    });
    expect(overall.pValue).toBeCloseTo(0.00132, 5);
    expect(overall.effect).toBeCloseTo(19 / 105, 10);
  });

  it('calls a planted regression regressed, and identical versions unchanged', () => {
    const planted = comparePaired([...category('billing', 20, 8, 10, 0), ...category('auth', 20, 20, 0, 0)], 'binary');
    expect(planted.categories.map((c) => [c.category, c.status])).toEqual([
      ['auth', 'unchanged'],
      ['billing', 'regressed'],
    ]);
    const same = comparePaired(category('billing', 20, 12, 0, 0), 'binary');
    expect(same.overall.status).toBe('unchanged');
    expect(same.overall.pValue).toBe(1);
  });

  it('leaves out items only one version answered, and counts them', () => {
    const { overall } = comparePaired(
      [
        { category: 'a', baseline: 1, candidate: null },
        { category: 'a', baseline: null, candidate: 1 },
        { category: 'a', baseline: 1, candidate: 0 },
      ],
      'binary',
    );
    expect(overall).toMatchObject({ n: 1, unpaired: 2, worse: 1, better: 0 });
  });

  it('uses Wilcoxon for continuous scores', () => {
    const base = [0.9, 0.8, 0.85, 0.95, 0.9, 0.88, 0.92, 0.91];
    const { overall } = comparePaired(
      base.map((b) => ({ category: 'x', baseline: b, candidate: b - 0.3 })),
      'continuous',
    );
    expect(overall).toMatchObject({ test: 'wilcoxon', worse: 8, better: 0, status: 'regressed' });
    expect(overall.pValue).toBeCloseTo(2 / 256, 12);
    expect(overall.effect).toBeCloseTo(-0.3, 10);
  });
});
