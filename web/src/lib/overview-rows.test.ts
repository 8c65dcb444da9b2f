import { describe, expect, it } from 'vitest';
import type { OverviewLane } from './api-types.js';
import { filterRows, laneRowKey, mergeRows, sortRows, type LaneRow } from './overview-rows.js';

function row(
  prompt: string,
  environment: string,
  verdict: string | null,
  requests: number,
  tags: string[] = [],
): LaneRow {
  const lane = {
    prompt,
    environment,
    tags,
    version: 1,
    deploymentId: 'd',
    since: null,
    canary: null,
    latestDeploymentId: 'd',
    judgedDeploymentId: 'd',
    verdict: verdict === null ? null : { verdict },
    trend: {
      series: { requests: [], latencyP95Ms: [], errorRate: [], quality: [] },
      totals: { requests, latestP95Ms: null, errorRate: null, quality: null },
    },
  } as unknown as OverviewLane;
  return { key: laneRowKey(lane), lane, buckets: [] };
}

const rows = [
  row('billing', 'production', 'pass', 900, ['team:billing']),
  row('search', 'production', 'fail', 10),
  row('search', 'staging', 'collecting', 50),
  row('triage', 'production', null, 5000, ['team:support']),
  row('triage', 'staging', 'warn', 1),
];
const envs = ['staging', 'production'];
const names = (list: LaneRow[]) => list.map((r) => r.key);

describe('overview rows', () => {
  it('sorts health first (fail, warn, collecting, …, not judged), busiest first within', () => {
    expect(names(sortRows(rows, 'health', 'asc', envs))).toEqual([
      'production:search',
      'staging:triage',
      'staging:search',
      'production:billing',
      'production:triage',
    ]);
    expect(names(sortRows(rows, 'requests', 'desc', envs))[0]).toBe('production:triage');
    expect(names(sortRows(rows, 'environment', 'asc', envs)).slice(0, 2)).toEqual(['staging:search', 'staging:triage']);
  });

  it('filters by name, environment, verdict and tag', () => {
    const none = { search: '', environment: '', verdict: '', tag: '' };
    expect(names(filterRows(rows, { ...none, search: 'TRI' }))).toEqual(['production:triage', 'staging:triage']);
    expect(names(filterRows(rows, { ...none, environment: 'staging', verdict: 'warn' }))).toEqual(['staging:triage']);
    expect(names(filterRows(rows, { ...none, verdict: 'none' }))).toEqual(['production:triage']);
    expect(names(filterRows(rows, { ...none, tag: 'team:billing' }))).toEqual(['production:billing']);
  });

  it('puts refreshed lanes in place and appends new ones', () => {
    const refreshed = new Map([
      ['production:search', row('search', 'production', 'pass', 11)],
      ['qa:new', row('new', 'qa', null, 0)],
    ]);
    const merged = mergeRows(rows, refreshed);
    expect(merged.map((r) => r.lane.verdict?.verdict ?? null)).toEqual([
      'pass',
      'pass',
      'collecting',
      null,
      'warn',
      null,
    ]);
    expect(merged.at(-1)?.key).toBe('qa:new');
  });
});
