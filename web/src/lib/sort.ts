/** Sorting for tables: by one column, either direction, with missing values always last. */
export type Direction = 'asc' | 'desc';

export interface SortState<K extends string> {
  key: K;
  dir: Direction;
}

type Cell = number | string | null | undefined;

export function sortRows<T, K extends string>(
  rows: readonly T[],
  sort: SortState<K>,
  cell: (row: T, key: K) => Cell,
): T[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = cell(a, sort.key);
    const y = cell(b, sort.key);
    const xMissing = x === null || x === undefined || (typeof x === 'number' && Number.isNaN(x));
    const yMissing = y === null || y === undefined || (typeof y === 'number' && Number.isNaN(y));
    if (xMissing || yMissing) return xMissing === yMissing ? 0 : xMissing ? 1 : -1;
    if (typeof x === 'number' && typeof y === 'number') return (x - y) * sign;
    return String(x).localeCompare(String(y), 'en', { numeric: true }) * sign;
  });
}

/** Clicking a column header: the same column flips direction, a new one starts descending (biggest first). */
export function toggleSort<K extends string>(current: SortState<K>, key: K): SortState<K> {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: 'desc' };
}
