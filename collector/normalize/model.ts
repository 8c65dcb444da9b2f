import type { NormalizeStep, SpanInput } from './llm-fields.js';
import { spanThenResource } from './lookup.js';

/**
 * The model the application asked for, by convention: GenAI (also OpenLLMetry, OpenLIT, Spring AI, Semantic Kernel,
 * Google ADK, pydantic-ai, Strands, LiveKit), Vercel AI SDK, Langfuse, OpenInference (`llm.model_name`, and
 * `embedding.model_name` on embedding spans), MLflow, LiteLLM, and a bare `model` where a framework uses it.
 */
const REQUEST_MODEL_KEYS = [
  'gen_ai.request.model',
  'ai.model.id',
  'langfuse.observation.model.name',
  'llm.model_name',
  'embedding.model_name',
  'mlflow.llm.model',
  'llm.request.model',
  'model',
];

/** The model (snapshot) that answered: GenAI, Vercel AI SDK, LiteLLM. */
const RESPONSE_MODEL_KEYS = ['gen_ai.response.model', 'ai.response.model', 'llm.response.model'];

/** Genkit names a model action `plugin/model` (`googleai/gemini-2.5-flash`) in `genkit:name`. */
const GENKIT_MODEL_SUBTYPES: ReadonlySet<string> = new Set(['model', 'embedder']);

function genkitAction(input: SpanInput): { provider: string; model: string } | undefined {
  const attributes = input.span.attributes;
  const subtype = attributes['genkit:metadata:subtype'];
  if (subtype === undefined || !GENKIT_MODEL_SUBTYPES.has(subtype)) return undefined;
  const name = (attributes['genkit:name'] ?? '').trim();
  const slash = name.indexOf('/');
  return slash < 0 ? { provider: '', model: name } : { provider: name.slice(0, slash), model: name.slice(slash + 1) };
}

/** MLflow stores every attribute JSON-encoded: `"gpt-4o-mini"` with its quotes. */
function unquoted(text: string): string {
  if (!text.startsWith('"')) return text;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'string' ? value : text;
  } catch {
    return text;
  }
}

/**
 * Request and response model as typed columns, and `model` — what metrics group by: the requested model (stable
 * across provider snapshots), else the one that answered.
 */
export const readModel: NormalizeStep = {
  name: 'readModel',
  apply: (input) => {
    const requestModel = unquoted(spanThenResource(input, REQUEST_MODEL_KEYS)) || (genkitAction(input)?.model ?? '');
    const responseModel = spanThenResource(input, RESPONSE_MODEL_KEYS);
    return { requestModel, responseModel, model: requestModel || responseModel };
  },
};

/**
 * Provider: GenAI current then deprecated, OpenInference, Vercel AI SDK's `ai.model.provider`, MLflow, then the
 * plugin of a Genkit model action. The Vercel AI SDK names providers by API (`openai.chat`, `anthropic.messages`)
 * also in `gen_ai.system` on its spans, so on a Vercel span (one with `ai.operationId`) only the part before the
 * first dot is kept. Lowercased.
 */
const PROVIDER_KEYS = [
  'gen_ai.provider.name',
  'gen_ai.system',
  'llm.provider',
  'llm.system',
  'ai.model.provider',
  'mlflow.llm.provider',
];

export const readProvider: NormalizeStep = {
  name: 'readProvider',
  apply: (input) => {
    const named = unquoted(spanThenResource(input, PROVIDER_KEYS)) || (genkitAction(input)?.provider ?? '');
    const provider = named.toLowerCase();
    const vercel = input.span.attributes['ai.operationId'] !== undefined;
    return { provider: vercel ? (provider.split('.')[0] ?? '') : provider };
  },
};
