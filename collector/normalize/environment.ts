import type { NormalizeStep } from './llm-fields.js';
import { spanThenResource } from './lookup.js';

/**
 * Environment, in Langfuse's own order: `langfuse.environment`, then the OpenTelemetry resource conventions
 * (`deployment.environment.name`, deprecated `deployment.environment`), then a Vercel AI SDK metadata key.
 * OpenLLMetry, OpenInference and OpenLIT set it on the resource; the lookup falls back to the resource for all.
 */
export const ENVIRONMENT_KEYS = [
  'langfuse.environment',
  'deployment.environment.name',
  'deployment.environment',
  'ai.telemetry.metadata.environment',
];

export function readEnvironment(extraKeys: readonly string[]): NormalizeStep {
  const keys = [...extraKeys, ...ENVIRONMENT_KEYS];
  return {
    name: 'readEnvironment',
    apply: (input) => ({ environment: spanThenResource(input, keys) }),
  };
}
