import type { RenderMessage } from '../../../clients/typescript/src/render.js';
import { ModelCallError } from '../model-errors.js';

/** What Tracelane asks a model: rendered messages, the version's model and settings, its response schema. */
export interface ModelRequest {
  model: string;
  messages: RenderMessage[];
  settings: {
    temperature?: number;
    maxTokens?: number;
    topP?: number;
    stop?: string[];
    seed?: number;
  };
  responseSchema: Record<string, unknown> | null;
}

/** What a provider answered, in one shape for every provider. */
export interface ProviderAnswer {
  text: string;
  responseModel: string;
  finishReason: string;
  inputTokens: number | null;
  outputTokens: number | null;
  cachedInputTokens: number | null;
}

export interface HttpCall {
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** One provider API: how a request is written and how its answers and errors are read. Pure, no I/O. */
export interface Provider {
  /** `gen_ai.provider.name` of its calls. */
  name: 'openai' | 'anthropic';
  httpCall(baseUrl: string, secret: string, request: ModelRequest): HttpCall;
  /** Throws a non-retryable ModelCallError (`malformed_response`) when the answer is not what the API documents. */
  parseAnswer(json: unknown): ProviderAnswer;
  /** The message and code of an error answer (`{"error":{…}}`), '' when absent. */
  errorDetails(json: unknown): { message: string; code: string };
}

export function malformed(what: string): ModelCallError {
  return new ModelCallError('malformed_response', `malformed answer from the provider: ${what}`, false);
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A token count from a usage object: a non-negative integer, else null. */
export function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}
