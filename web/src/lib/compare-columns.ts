import type { CompareRow } from './api-types.js';
import type { Unit } from './units.js';

/** The columns of the comparison table: how to read, format and sort each. */
export interface CompareColumn {
  key: string;
  label: string;
  unit: Unit | 'text';
  value: (row: CompareRow) => number | string | null;
}

export const COMPARE_COLUMNS: CompareColumn[] = [
  {
    key: 'version',
    label: 'Version',
    unit: 'text',
    value: (r) => (r.version === '' ? null : Number(r.version) || r.version),
  },
  { key: 'requests', label: 'Requests', unit: 'count', value: (r) => r.requests },
  { key: 'errorRate', label: 'Error rate', unit: 'percent', value: (r) => r.errorRate },
  { key: 'p50', label: 'p50', unit: 'ms', value: (r) => r.latencyP50Ms },
  { key: 'p95', label: 'p95', unit: 'ms', value: (r) => r.latencyP95Ms },
  { key: 'p99', label: 'p99', unit: 'ms', value: (r) => r.latencyP99Ms },
  { key: 'cost', label: 'Cost / request', unit: 'usd', value: (r) => r.costPerRequest },
  { key: 'totalCost', label: 'Total cost', unit: 'usd', value: (r) => r.totalCost },
  { key: 'input', label: 'Input tokens', unit: 'tokens', value: (r) => r.inputTokensPerRequest },
  { key: 'output', label: 'Output tokens', unit: 'tokens', value: (r) => r.outputTokensPerRequest },
  { key: 'quality', label: 'Quality', unit: 'score', value: (r) => r.quality },
];

/** One column per named score (`Comparison.scoreNames`): its mean in each row, after Quality. */
export function scoreColumns(names: readonly string[]): CompareColumn[] {
  return names.map((name) => ({
    key: `score:${name}`,
    label: name,
    unit: 'score',
    value: (r) => r.scores[name]?.mean ?? null,
  }));
}

/** Offline evaluation categories across versions: for each category, each version's passed/items. */
export function offlineByCategory(rows: readonly CompareRow[]): {
  versions: string[];
  categories: { category: string; results: ({ passed: number; items: number } | null)[] }[];
} {
  const runs = rows.filter((r) => r.offline !== null);
  const versions = [...new Set(runs.map((r) => r.version))];
  const runOf = new Map(runs.map((r) => [r.version, r.offline]));
  const names = [...new Set(runs.flatMap((r) => r.offline?.categories.map((c) => c.category) ?? []))].sort();
  return {
    versions,
    categories: names.map((category) => ({
      category,
      results: versions.map((v) => {
        const found = runOf.get(v)?.categories.find((c) => c.category === category);
        return found ? { passed: found.passed, items: found.items } : null;
      }),
    })),
  };
}
