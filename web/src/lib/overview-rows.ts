import type { OverviewLane, OverallVerdict } from './api-types.js';

/**
 * The rows of the overview (one per lane: prompt × environment), and how the table filters and sorts them. Health
 * comes first by default: failing, then warning, collecting, inconclusive, healthy, not judged; busiest first within.
 */
export interface LaneRow {
  /** `environment:prompt`, the key live refreshes use. */
  key: string;
  lane: OverviewLane;
  /** Bucket starts (ISO) of the lane's series (a refreshed lane carries its own). */
  buckets: readonly string[];
}

export type Health = OverallVerdict | 'none';
export const HEALTHS: readonly Health[] = ['fail', 'warn', 'collecting', 'inconclusive', 'pass', 'none'];
export const SORT_KEYS = ['health', 'prompt', 'environment', 'requests', 'p95', 'errors', 'quality', 'since'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export const laneRowKey = (lane: { environment: string; prompt: string }) => `${lane.environment}:${lane.prompt}`;
export const healthOf = (lane: OverviewLane): Health => lane.verdict?.verdict ?? 'none';

export interface RowFilter {
  /** Case-insensitive part of the prompt name. */
  search: string;
  environment: string;
  verdict: string;
  tag: string;
}

export function filterRows(rows: readonly LaneRow[], f: RowFilter): LaneRow[] {
  const search = f.search.trim().toLowerCase();
  return rows.filter(
    ({ lane }) =>
      (search === '' || lane.prompt.toLowerCase().includes(search)) &&
      (f.environment === '' || lane.environment === f.environment) &&
      (f.verdict === '' || healthOf(lane) === f.verdict) &&
      (f.tag === '' || lane.tags.includes(f.tag)),
  );
}

const byNumber = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? -Infinity : v;

function value(row: LaneRow, key: SortKey, environments: readonly string[]): number | string {
  const { lane } = row;
  const totals = lane.trend.totals;
  switch (key) {
    case 'health':
      return HEALTHS.indexOf(healthOf(lane));
    case 'prompt':
      return lane.prompt;
    case 'environment':
      return environments.indexOf(lane.environment);
    case 'requests':
      return totals.requests;
    case 'p95':
      return byNumber(totals.latestP95Ms);
    case 'errors':
      return byNumber(totals.errorRate);
    case 'quality':
      return byNumber(totals.quality);
    case 'since':
      return lane.since ? Date.parse(lane.since) : -Infinity;
  }
}

/** Ascending by default for names and health, descending for numbers and time (busiest, slowest, newest first). */
export const defaultDirection = (key: SortKey): 'asc' | 'desc' =>
  key === 'health' || key === 'prompt' || key === 'environment' ? 'asc' : 'desc';

export function sortRows(
  rows: readonly LaneRow[],
  key: SortKey,
  direction: 'asc' | 'desc',
  environments: readonly string[],
): LaneRow[] {
  const sign = direction === 'asc' ? 1 : -1;
  const compare = (a: LaneRow, b: LaneRow): number => {
    const [x, y] = [value(a, key, environments), value(b, key, environments)];
    const primary = typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
    return (
      sign * primary ||
      b.lane.trend.totals.requests - a.lane.trend.totals.requests ||
      a.lane.prompt.localeCompare(b.lane.prompt) ||
      environments.indexOf(a.lane.environment) - environments.indexOf(b.lane.environment)
    );
  };
  return [...rows].sort(compare);
}

/** The board's lanes with the refreshed ones in place (and lanes that appeared since, at the end). */
export function mergeRows(base: readonly LaneRow[], refreshed: ReadonlyMap<string, LaneRow>): LaneRow[] {
  const merged = base.map((row) => refreshed.get(row.key) ?? row);
  const known = new Set(base.map((r) => r.key));
  for (const [key, row] of refreshed) if (!known.has(key)) merged.push(row);
  return merged;
}
