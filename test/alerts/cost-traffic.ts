import { generationSpan } from '../analysis/span-factory.js';
import { normal, seededRandom } from '../analysis/traffic.js';

/**
 * Generation spans of one lane spread evenly over [from, to), cost per request log-normal around `costUsd`
 * (σ 0.2), latency log-normal around `latencyMs`: rows for otel_traces, placed by the tests directly.
 */
export function laneSpans(spec: {
  environment: string;
  prompt: string;
  version?: string;
  model?: string;
  from: number;
  to: number;
  count: number;
  costUsd: number;
  latencyMs?: number;
  seed: number;
}): Record<string, unknown>[] {
  const random = seededRandom(spec.seed);
  const step = (spec.to - spec.from) / spec.count;
  return Array.from({ length: spec.count }, (_, i) =>
    generationSpan({
      time: Math.round(spec.from + i * step),
      environment: spec.environment,
      prompt: spec.prompt,
      version: spec.version ?? '1',
      ...(spec.model ? { model: spec.model } : {}),
      costUsd: spec.costUsd * Math.exp(0.2 * normal(random)),
      latencyMs: (spec.latencyMs ?? 600) * Math.exp(0.3 * normal(random)),
    }),
  );
}
