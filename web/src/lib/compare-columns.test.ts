import { describe, expect, it } from 'vitest';
import type { CompareRow, OfflineRun } from './api-types.js';
import { offlineByCategory } from './compare-columns.js';

const run = (version: number, categories: [string, number, number][]): OfflineRun => ({
  runId: `r${version}`,
  version,
  dataset: 'support-golden',
  createdAt: '2026-01-01T00:00:00.000Z',
  items: categories.reduce((n, [, , items]) => n + items, 0),
  passed: categories.reduce((n, [, passed]) => n + passed, 0),
  meanScore: 0.5,
  categories: categories.map(([category, passed, items]) => ({ category, passed, items, meanScore: passed / items })),
});
const row = (version: string, offline: OfflineRun | null) => ({ version, offline }) as CompareRow;

describe('offlineByCategory', () => {
  it('lines up each category across versions, with gaps where a version lacks it', () => {
    const table = offlineByCategory([
      row(
        '1',
        run(1, [
          ['billing', 4, 5],
          ['login', 3, 3],
        ]),
      ),
      row('2', run(2, [['billing', 2, 5]])),
      row('3', null),
    ]);
    expect(table.versions).toEqual(['1', '2']);
    expect(table.categories).toEqual([
      {
        category: 'billing',
        results: [
          { passed: 4, items: 5 },
          { passed: 2, items: 5 },
        ],
      },
      { category: 'login', results: [{ passed: 3, items: 3 }, null] },
    ]);
  });
});
