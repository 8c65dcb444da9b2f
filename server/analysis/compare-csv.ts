import type { Comparison, CompareRow } from './compare-query.js';

/** The comparison as CSV (RFC 4180), one line per row; offline results as "category passed/items" pairs. */
type Cell = string | number | null | undefined;

const COLUMNS: [string, (r: CompareRow) => Cell][] = [
  ['version', (r) => r.version],
  ['model', (r) => r.model ?? ''],
  ['requests', (r) => r.requests],
  ['errors', (r) => r.errors],
  ['error_rate', (r) => r.errorRate],
  ['latency_p50_ms', (r) => r.latencyP50Ms],
  ['latency_p95_ms', (r) => r.latencyP95Ms],
  ['latency_p99_ms', (r) => r.latencyP99Ms],
  ['cost_per_request_usd', (r) => r.costPerRequest],
  ['total_cost_usd', (r) => r.totalCost],
  ['input_tokens_per_request', (r) => r.inputTokensPerRequest],
  ['output_tokens_per_request', (r) => r.outputTokensPerRequest],
  ['cache_write_tokens_per_request', (r) => r.cacheWriteTokensPerRequest],
  ['reasoning_tokens_per_request', (r) => r.reasoningTokensPerRequest],
  ['time_to_first_token_p50_ms', (r) => r.timeToFirstTokenP50Ms],
  ['time_to_first_token_p95_ms', (r) => r.timeToFirstTokenP95Ms],
  ['embedding_requests', (r) => r.embeddingRequests],
  ['embedding_cost_usd', (r) => r.embeddingCost],
  ['quality', (r) => r.quality],
  ['quality_ci_low', (r) => r.qualityLow],
  ['quality_ci_high', (r) => r.qualityHigh],
  ['scored', (r) => r.scoredCount],
  ['offline_passed', (r) => r.offline?.passed],
  ['offline_items', (r) => r.offline?.items],
  ['offline_by_category', (r) => r.offline?.categories.map((c) => `${c.category} ${c.passed}/${c.items}`).join('; ')],
];

/** Quotes a field when needed, and defuses spreadsheet formulas (a leading = + - @ gets a quote mark). */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function comparisonCsv(comparison: Comparison): string {
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const row of comparison.rows) lines.push(COLUMNS.map(([, get]) => csvField(get(row))).join(','));
  return lines.join('\r\n') + '\r\n';
}
