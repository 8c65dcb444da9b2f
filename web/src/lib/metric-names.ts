import type { MetricName } from './api-types.js';
import type { Unit } from './units.js';

/** How each judged metric is named and formatted in the deployment panel and regression lists. */
export const METRICS: Record<MetricName, { label: string; unit: Unit }> = {
  error_rate: { label: 'Error rate', unit: 'percent' },
  latency_p50: { label: 'Latency p50', unit: 'ms' },
  latency_p95: { label: 'Latency p95', unit: 'ms' },
  latency_p99: { label: 'Latency p99', unit: 'ms' },
  cost_per_request: { label: 'Cost per request', unit: 'usd' },
  input_tokens: { label: 'Input tokens / request', unit: 'tokens' },
  output_tokens: { label: 'Output tokens / request', unit: 'tokens' },
  quality: { label: 'Quality', unit: 'score' },
};

/** A metric's label; a critical named score (`score:routing_correct`) is "Score routing_correct". */
export function metricLabel(name: string): string {
  if (name.startsWith('score:')) return `Score ${name.slice('score:'.length)}`;
  return (METRICS as Record<string, { label: string }>)[name]?.label ?? name;
}

export function metricUnit(name: string): Unit {
  if (name.startsWith('score:')) return 'score';
  return (METRICS as Record<string, { unit: Unit }>)[name]?.unit ?? 'count';
}
