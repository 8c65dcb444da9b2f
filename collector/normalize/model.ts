import type { NormalizeStep } from './llm-fields.js';
import { spanThenResource } from './lookup.js';

/**
 * The model the application asked for (stable across provider snapshots, so metrics group well), then the model
 * that answered: GenAI (also OpenLLMetry, OpenLIT, Vercel `doGenerate`), OpenInference, Langfuse, Vercel AI SDK.
 */
const MODEL_KEYS = [
  'gen_ai.request.model',
  'gen_ai.response.model',
  'llm.model_name',
  'langfuse.observation.model.name',
  'ai.model.id',
  'ai.response.model',
];

export const readModel: NormalizeStep = {
  name: 'readModel',
  apply: (input) => ({ model: spanThenResource(input, MODEL_KEYS) }),
};

/**
 * Provider: GenAI current then deprecated, OpenInference, then Vercel AI SDK's `ai.model.provider`. The Vercel AI
 * SDK names providers by API (`openai.chat`, `anthropic.messages`) also in `gen_ai.system` on its spans, so on a
 * Vercel span (one with `ai.operationId`) only the part before the first dot is kept. Lowercased.
 */
const PROVIDER_KEYS = ['gen_ai.provider.name', 'gen_ai.system', 'llm.provider', 'llm.system', 'ai.model.provider'];

export const readProvider: NormalizeStep = {
  name: 'readProvider',
  apply: (input) => {
    const provider = spanThenResource(input, PROVIDER_KEYS).toLowerCase();
    const vercel = input.span.attributes['ai.operationId'] !== undefined;
    return { provider: vercel ? (provider.split('.')[0] ?? '') : provider };
  },
};
