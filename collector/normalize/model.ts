import type { NormalizeStep } from './llm-fields.js';
import { spanThenResource } from './lookup.js';

/**
 * The model the application asked for (stable across provider snapshots, so metrics group well), then the model
 * that answered: GenAI (also OpenLLMetry, OpenLIT, Vercel `doGenerate`), OpenInference, Langfuse, Vercel AI SDK.
 */
export const MODEL_KEYS = [
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

/** Provider: GenAI current then deprecated, OpenInference, Vercel AI SDK (`openai.chat` → `openai`). */
export const PROVIDER_KEYS = ['gen_ai.provider.name', 'gen_ai.system', 'llm.provider', 'llm.system'];
const VERCEL_PROVIDER = 'ai.model.provider';

export const readProvider: NormalizeStep = {
  name: 'readProvider',
  apply: (input) => {
    const provider =
      spanThenResource(input, PROVIDER_KEYS) || (spanThenResource(input, [VERCEL_PROVIDER]).split('.')[0] ?? '');
    return { provider: provider.toLowerCase() };
  },
};
