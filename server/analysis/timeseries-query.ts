import type { Store } from '../store/store.js';
import type { DeploymentEvent } from '../registry/deployment-event.js';
import { listDeploymentEvents } from '../registry/deployment-queries.js';
import { metricValues, type MetricValues } from './metric-values.js';
import { EMPTY_ROLLUP_SUMS, queryRollups, type GroupKey, type RollupFilter, type RollupRow } from './rollup-query.js';

/** Metrics of one environment + prompt over a window at a step, per version or model, from the rollups. */
export interface TimeseriesRequest extends Omit<RollupFilter, 'stepSeconds' | 'groupBy'> {
  stepSeconds: number;
  groupBy?: GroupKey | undefined;
}

export interface TimeseriesPoint extends MetricValues {
  /** Bucket start, ISO-8601 UTC. */
  time: string;
}

export interface Series {
  /** The group's version or model; absent when not grouped. '' is "unattributed" (no version known). */
  version?: string;
  model?: string;
  points: TimeseriesPoint[];
}

export interface Timeseries {
  environment: string;
  prompt: string;
  from: string;
  to: string;
  stepSeconds: number;
  groupBy: GroupKey | null;
  series: Series[];
  /** Deployment events of the lane in the window, oldest first (chart markers). */
  deployments: DeploymentEvent[];
}

/** Most deployment markers returned for one window. */
const MAX_MARKERS = 1000;

/** Every bucket start in the window, so series are dense (requests 0, other values null where there was no traffic). */
export function bucketStarts(from: number, to: number, stepMs: number): number[] {
  const starts: number[] = [];
  for (let t = Math.floor(from / stepMs) * stepMs; t < to; t += stepMs) starts.push(t);
  return starts;
}

export async function queryTimeseries(store: Store, req: TimeseriesRequest): Promise<Timeseries> {
  const groupBy = req.groupBy ? [req.groupBy] : [];
  const [rows, deployments] = await Promise.all([
    queryRollups(store, { ...req, groupBy }),
    listDeploymentEvents(store, {
      prompt: req.prompt,
      environment: req.environment,
      from: req.from,
      to: req.to,
      limit: MAX_MARKERS,
      offset: 0,
    }),
  ]);
  const groups = new Map<string, Map<number, RollupRow>>();
  for (const row of rows) {
    const key = req.groupBy === 'model' ? row.model : row.version;
    const byBucket = groups.get(key) ?? new Map<number, RollupRow>();
    byBucket.set(row.bucket, row);
    groups.set(key, byBucket);
  }
  if (groups.size === 0 && !req.groupBy) groups.set('', new Map());
  const starts = bucketStarts(req.from, req.to, req.stepSeconds * 1000);
  const series = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([key, byBucket]) => ({
      ...(req.groupBy ? { [req.groupBy]: key } : {}),
      points: starts.map((t) => ({
        time: new Date(t).toISOString(),
        ...metricValues(byBucket.get(t) ?? EMPTY_ROLLUP_SUMS),
      })),
    }));
  return {
    environment: req.environment,
    prompt: req.prompt,
    from: new Date(req.from).toISOString(),
    to: new Date(req.to).toISOString(),
    stepSeconds: req.stepSeconds,
    groupBy: req.groupBy ?? null,
    series,
    deployments: deployments.reverse(),
  };
}
