import type { Attributes } from '../otlp/span.js';
import type { LlmFields, NormalizeStep } from './llm-fields.js';
import { firstCount, jsonObjectAttribute } from './lookup.js';

type Usage = Pick<
  LlmFields,
  'inputTokens' | 'outputTokens' | 'cachedInputTokens' | 'cacheWriteTokens' | 'reasoningTokens'
>;

/**
 * Token counts. Input tokens include cache reads and cache writes, and output tokens include reasoning tokens, as the
 * GenAI conventions define them. Keys in precedence order: GenAI current, GenAI deprecated (also older OpenLLMetry,
 * Semantic Kernel and Vercel `doGenerate`), framework variants (pydantic-ai `gen_ai.usage.details.*`, Google ADK
 * `gen_ai.usage.experimental.*`, Strands), OpenInference, Vercel AI SDK (current, older); then the JSON usage
 * objects of Langfuse, Genkit, MLflow and LiveKit.
 */
const KEYS: Record<keyof Usage, readonly string[]> = {
  inputTokens: [
    'gen_ai.usage.input_tokens',
    'gen_ai.usage.prompt_tokens',
    'llm.token_count.prompt',
    'ai.usage.inputTokens',
    'ai.usage.promptTokens',
  ],
  outputTokens: [
    'gen_ai.usage.output_tokens',
    'gen_ai.usage.completion_tokens',
    'llm.token_count.completion',
    'ai.usage.outputTokens',
    'ai.usage.completionTokens',
  ],
  cachedInputTokens: [
    'gen_ai.usage.cache_read.input_tokens',
    'gen_ai.usage.cache_read_input_tokens',
    'gen_ai.usage.details.cache_read_tokens',
    'llm.token_count.prompt_details.cache_read',
    'ai.usage.cachedInputTokens',
  ],
  cacheWriteTokens: [
    'gen_ai.usage.cache_write.input_tokens',
    'gen_ai.usage.cache_creation.input_tokens',
    'gen_ai.usage.cache_write_input_tokens',
    'gen_ai.usage.cache_creation_input_tokens',
    'gen_ai.usage.details.cache_write_tokens',
    'llm.token_count.prompt_details.cache_write',
  ],
  reasoningTokens: [
    'gen_ai.usage.reasoning.output_tokens',
    'gen_ai.usage.reasoning_tokens',
    'gen_ai.usage.details.reasoning_tokens',
    'gen_ai.usage.experimental.reasoning_tokens',
    'llm.token_count.completion_details.reasoning',
    'ai.usage.reasoningTokens',
  ],
};

const NO_USAGE: Usage = {
  inputTokens: null,
  outputTokens: null,
  cachedInputTokens: null,
  cacheWriteTokens: null,
  reasoningTokens: null,
};

export const readTokens: NormalizeStep = {
  name: 'readTokens',
  apply: (input) => {
    const json = jsonUsage(input.span.attributes);
    return {
      inputTokens: firstCount(input, KEYS.inputTokens) ?? json.inputTokens,
      outputTokens: firstCount(input, KEYS.outputTokens) ?? json.outputTokens,
      cachedInputTokens: firstCount(input, KEYS.cachedInputTokens) ?? json.cachedInputTokens,
      cacheWriteTokens: firstCount(input, KEYS.cacheWriteTokens) ?? json.cacheWriteTokens,
      reasoningTokens: firstCount(input, KEYS.reasoningTokens) ?? json.reasoningTokens,
    };
  },
};

const LANGFUSE_USAGE = 'langfuse.observation.usage_details';
const MLFLOW_USAGE = 'mlflow.chat.tokenUsage';
const LIVEKIT_METRICS = 'lk.llm_metrics';
const GENKIT_OUTPUT = 'genkit:output';

/** Usage from the one JSON object the span's instrumentation keeps it in (each key is tested before parsing). */
function jsonUsage(attributes: Attributes): Usage {
  if (attributes[LANGFUSE_USAGE] !== undefined) return langfuseUsage(jsonObjectAttribute(attributes, LANGFUSE_USAGE));
  if (attributes[MLFLOW_USAGE] !== undefined) {
    const usage = jsonObjectAttribute(attributes, MLFLOW_USAGE);
    return { ...NO_USAGE, inputTokens: count(usage?.input_tokens), outputTokens: count(usage?.output_tokens) };
  }
  if (attributes[LIVEKIT_METRICS] !== undefined) {
    const metrics = jsonObjectAttribute(attributes, LIVEKIT_METRICS);
    return {
      ...NO_USAGE,
      inputTokens: count(metrics?.prompt_tokens),
      outputTokens: count(metrics?.completion_tokens),
      cachedInputTokens: count(metrics?.prompt_cached_tokens),
    };
  }
  if (attributes[GENKIT_OUTPUT] !== undefined && attributes['genkit:metadata:subtype'] === 'model') {
    const usage = jsonObjectAttribute(attributes, GENKIT_OUTPUT)?.usage as Record<string, unknown> | undefined;
    return {
      inputTokens: count(usage?.inputTokens),
      outputTokens: count(usage?.outputTokens),
      cachedInputTokens: count(usage?.cachedContentTokens),
      cacheWriteTokens: null,
      reasoningTokens: count(usage?.thoughtsTokens),
    };
  }
  return NO_USAGE;
}

const count = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : null;

/**
 * Langfuse `usage_details` is a JSON map of usage types to counts. Langfuse counts every key starting with "input"
 * as input and every key starting with "output" as output (`input_cached_tokens`, `output_reasoning_tokens`); the
 * OpenAI-style names (`prompt_tokens`, `completion_tokens`) and Anthropic's cache keys are read too. `total` is
 * ignored. Cache reads, cache writes and reasoning tokens are the keys that name them.
 */
export function langfuseUsage(details: Record<string, unknown> | undefined): Usage {
  const usage: { -readonly [K in keyof Usage]: number | null } = { ...NO_USAGE };
  const add = (field: keyof Usage, value: number) => (usage[field] = (usage[field] ?? 0) + value);
  for (const [key, value] of Object.entries(details ?? {})) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) continue;
    if (key.startsWith('input') || key === 'prompt_tokens' || /^cache_\w*input_tokens$/.test(key))
      add('inputTokens', value);
    else if (key.startsWith('output') || key === 'completion_tokens') add('outputTokens', value);
    if (key.includes('cache_read') || key.includes('cached')) add('cachedInputTokens', value);
    if (key.includes('cache_creation') || key.includes('cache_write')) add('cacheWriteTokens', value);
    if (key.includes('reasoning')) add('reasoningTokens', value);
  }
  return usage;
}
