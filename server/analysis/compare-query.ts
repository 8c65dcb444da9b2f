import type { Store } from '../store/store.js';
import { metricValues, type MetricValues } from './metric-values.js';
import { latestOfflineRuns, type OfflineRun } from './offline-evaluations-query.js';
import { queryRollups } from './rollup-query.js';

/** Versions of one prompt in one environment side by side (optionally per model), from the rollups. */
export interface CompareRequest {
  environment: string;
  prompt: string;
  from: number;
  to: number;
  byModel: boolean;
}

export interface CompareRow extends MetricValues {
  /** Attributed version; '' for traffic whose version is unknown. */
  version: string;
  /** Present when grouped by model. */
  model?: string;
  /** Latest offline evaluation run of this version, or null. */
  offline: OfflineRun | null;
}

export interface Comparison {
  environment: string;
  prompt: string;
  from: string;
  to: string;
  groupBy: 'model' | null;
  rows: CompareRow[];
}

const numericVersion = (v: string) => (/^\d+$/.test(v) ? Number(v) : undefined);

export async function queryComparison(store: Store, req: CompareRequest): Promise<Comparison> {
  const rows = await queryRollups(store, { ...req, groupBy: req.byModel ? ['version', 'model'] : ['version'] });
  const versions = [...new Set(rows.map((r) => numericVersion(r.version)).filter((v) => v !== undefined))];
  const runs = versions.length > 0 ? await latestOfflineRuns(store, req.prompt, versions) : [];
  const runOf = new Map(runs.map((r) => [String(r.version), r]));
  return {
    environment: req.environment,
    prompt: req.prompt,
    from: new Date(req.from).toISOString(),
    to: new Date(req.to).toISOString(),
    groupBy: req.byModel ? 'model' : null,
    rows: rows
      .sort((a, b) => a.version.localeCompare(b.version, 'en', { numeric: true }) || a.model.localeCompare(b.model))
      .map((r) => ({
        version: r.version,
        ...(req.byModel ? { model: r.model } : {}),
        ...metricValues(r),
        offline: runOf.get(r.version) ?? null,
      })),
  };
}
