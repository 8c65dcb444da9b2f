import { describe, expect, it } from 'vitest';
import { sortRows, toggleSort } from './sort.js';

const rows = [
  { v: 'v10', n: 3 },
  { v: 'v2', n: null },
  { v: 'v1', n: 7 },
];
const cell = (row: (typeof rows)[number], key: 'v' | 'n') => row[key];

describe('table sorting', () => {
  it('sorts numbers either way with missing values last', () => {
    expect(sortRows(rows, { key: 'n', dir: 'asc' }, cell).map((r) => r.n)).toEqual([3, 7, null]);
    expect(sortRows(rows, { key: 'n', dir: 'desc' }, cell).map((r) => r.n)).toEqual([7, 3, null]);
  });

  it('sorts text naturally (v2 before v10)', () => {
    expect(sortRows(rows, { key: 'v', dir: 'asc' }, cell).map((r) => r.v)).toEqual(['v1', 'v2', 'v10']);
  });

  it('flips the direction of the same column and starts a new column descending', () => {
    expect(toggleSort({ key: 'n', dir: 'desc' }, 'n')).toEqual({ key: 'n', dir: 'asc' });
    expect(toggleSort({ key: 'n', dir: 'asc' }, 'v')).toEqual({ key: 'v', dir: 'desc' });
  });
});
