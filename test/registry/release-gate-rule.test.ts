import { describe, expect, it } from 'vitest';
import type { RunComparison } from '../../server/experiments/compare-runs.js';
import { gateFindings } from '../../server/registry/release-gate-rule.js';
import { comparePaired, type PairedScore, type ScoreKind } from '../../server/stats/paired-comparison.js';

/** The gate's rule on planted comparisons: significance OR a drop beyond the tolerance OR unscored items refuse. */
function comparison(items: PairedScore[], kind: ScoreKind = 'binary'): RunComparison {
  return { scores: [{ name: 'routing_correct', kind, ...comparePaired(items, kind) }], regressions: [] };
}
const team = (category: string, pairs: [number | null, number | null][]): PairedScore[] =>
  pairs.map(([baseline, candidate]) => ({ category, baseline, candidate }));
const same = (category: string) =>
  team(
    category,
    Array.from({ length: 5 }, () => [1, 1] as [number, number]),
  );

describe('the release gate rule', () => {
  it('refuses billing 4/5 → 2/5 (too few items for significance) by its drop, naming only billing', () => {
    const billing = team('billing', [
      [1, 1],
      [1, 1],
      [1, 0],
      [1, 0],
      [0, 0],
    ]);
    const findings = gateFindings(comparison([...billing, ...same('auth'), ...same('dashboard')]), 0.1);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ category: 'billing', status: 'not_enough_items' });
    expect(findings[0]?.drop).toBeCloseTo(0.4, 10);
    expect(findings[0]?.reason).toBe('billing: routing_correct 4/5 → 2/5, a drop of 0.40 > tolerance 0.1');
  });

  it('passes a drop within the tolerance, an improvement and no change', () => {
    const billing = team('billing', [
      [1, 1],
      [1, 1],
      [1, 0],
      [1, 1],
      [0, 1],
    ]); // 4/5 → 4/5
    expect(gateFindings(comparison([...billing, ...same('auth')]), 0)).toEqual([]);
    const better = team('auth', [
      [0, 1],
      [0, 1],
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    expect(gateFindings(comparison(better), 0)).toEqual([]);
    const oneLess = team('auth', [
      [1, 0],
      [1, 1],
      [1, 1],
      [1, 1],
      [1, 1],
    ]); // drop 0.2
    expect(gateFindings(comparison(oneLess), 0.2)).toEqual([]);
    expect(gateFindings(comparison(oneLess), 0.19).map((f) => f.category)).toEqual(['auth']);
  });

  it('refuses a significant regression even when the tolerance is wide', () => {
    const billing = team(
      'billing',
      Array.from({ length: 12 }, (_, i) => [1, i < 8 ? 0 : 1] as [number, number]),
    );
    const findings = gateFindings(comparison(billing), 1);
    expect(findings.map((f) => [f.category, f.status])).toEqual([
      ['billing', 'regressed'],
      ['all', 'regressed'],
    ]);
  });

  it('refuses items not scored by both versions, named once by their category', () => {
    const billing = team('billing', [
      [1, 1],
      [1, null],
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    const findings = gateFindings(comparison([...billing, ...same('auth')]), 0.5);
    expect(findings.map((f) => f.reason)).toEqual(['billing: routing_correct 1 item(s) not scored by both versions']);
  });

  it('reads continuous scores by their mean', () => {
    const helpful = team('billing', [
      [0.9, 0.5],
      [0.8, 0.5],
      [0.9, 0.6],
      [0.7, 0.7],
      [0.8, 0.8],
    ]);
    const findings = gateFindings(comparison(helpful, 'continuous'), 0.1);
    expect(findings[0]?.reason).toBe('billing: routing_correct mean 0.82 → 0.62, a drop of 0.20 > tolerance 0.1');
  });
});
