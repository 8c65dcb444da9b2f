import type { LlmFields, NormalizeStep } from './llm-fields.js';
import { firstCount, jsonObjectAttribute } from './lookup.js';

/**
 * Token counts. Input tokens include cached ones, as the GenAI conventions define `gen_ai.usage.input_tokens`;
 * cached input tokens are the cache reads (priced lower). Keys in precedence order: GenAI current, GenAI
 * deprecated (also older OpenLLMetry and Vercel `doGenerate`), OpenInference, Vercel AI SDK (current, older).
 */
const INPUT_TOKEN_KEYS = [
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.prompt_tokens',
  'llm.token_count.prompt',
  'ai.usage.inputTokens',
  'ai.usage.promptTokens',
];
const OUTPUT_TOKEN_KEYS = [
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.completion_tokens',
  'llm.token_count.completion',
  'ai.usage.outputTokens',
  'ai.usage.completionTokens',
];
const CACHED_INPUT_TOKEN_KEYS = [
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_read_input_tokens',
  'llm.token_count.prompt_details.cache_read',
  'ai.usage.cachedInputTokens',
];

export const readTokens: NormalizeStep = {
  name: 'readTokens',
  apply: (input) => {
    const langfuse =
      input.span.attributes[LANGFUSE_USAGE] === undefined
        ? NO_USAGE
        : langfuseUsage(jsonObjectAttribute(input.span.attributes, LANGFUSE_USAGE));
    return {
      inputTokens: firstCount(input, INPUT_TOKEN_KEYS) ?? langfuse.inputTokens,
      outputTokens: firstCount(input, OUTPUT_TOKEN_KEYS) ?? langfuse.outputTokens,
      cachedInputTokens: firstCount(input, CACHED_INPUT_TOKEN_KEYS) ?? langfuse.cachedInputTokens,
    };
  },
};

const LANGFUSE_USAGE = 'langfuse.observation.usage_details';
const NO_USAGE = { inputTokens: null, outputTokens: null, cachedInputTokens: null } as const;

/**
 * Langfuse `usage_details` is a JSON map of usage types to counts. Langfuse counts every key starting with "input"
 * as input and every key starting with "output" as output (`input_cached_tokens`, `output_reasoning_tokens`); the
 * OpenAI-style names (`prompt_tokens`, `completion_tokens`) and Anthropic's cache keys are read too. `total` is
 * ignored. Cached tokens are the keys naming a cache read.
 */
export function langfuseUsage(
  details: Record<string, unknown> | undefined,
): Pick<LlmFields, 'inputTokens' | 'outputTokens' | 'cachedInputTokens'> {
  let input: number | null = null;
  let output: number | null = null;
  let cached: number | null = null;
  for (const [key, value] of Object.entries(details ?? {})) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) continue;
    const isCacheRead = key.includes('cache_read') || key.includes('cached');
    if (key.startsWith('input') || key === 'prompt_tokens' || /^cache_\w*input_tokens$/.test(key))
      input = (input ?? 0) + value;
    else if (key.startsWith('output') || key === 'completion_tokens') output = (output ?? 0) + value;
    if (isCacheRead) cached = (cached ?? 0) + value;
  }
  return { inputTokens: input, outputTokens: output, cachedInputTokens: cached };
}
