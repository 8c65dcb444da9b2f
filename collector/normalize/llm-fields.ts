import type { Attributes, Span } from '../otlp/span.js';

/** The normalised LLM columns of a span ('' or null when the span does not carry the concept). */
export interface LlmFields {
  environment: string;
  promptName: string;
  promptVersion: string;
  /** The model metrics group by: the requested model, else the one that answered. */
  model: string;
  /** The model the application asked for, and the model (snapshot) that answered, as the span reports them. */
  requestModel: string;
  responseModel: string;
  provider: string;
  operation: string;
  isGeneration: boolean;
  inputTokens: number | null;
  outputTokens: number | null;
  /** Cache reads, included in inputTokens. */
  cachedInputTokens: number | null;
  /** Cache writes (Anthropic's cache creation), included in inputTokens. */
  cacheWriteTokens: number | null;
  /** Reasoning (thinking) tokens, included in outputTokens. */
  reasoningTokens: number | null;
  /** Streamed calls: milliseconds from the start of the call to the first chunk of the answer. */
  timeToFirstTokenMs: number | null;
  costUsd: number | null;
  quality: number | null;
  isError: boolean;
}

export function emptyFields(): LlmFields {
  return {
    environment: '',
    promptName: '',
    promptVersion: '',
    model: '',
    requestModel: '',
    responseModel: '',
    provider: '',
    operation: '',
    isGeneration: false,
    inputTokens: null,
    outputTokens: null,
    cachedInputTokens: null,
    cacheWriteTokens: null,
    reasoningTokens: null,
    timeToFirstTokenMs: null,
    costUsd: null,
    quality: null,
    isError: false,
  };
}

/** What a normalisation step reads: the span and the attributes of the resource that sent it. */
export interface SpanInput {
  span: Span;
  resource: Attributes;
}

/**
 * One step of normalisation: a pure function from the span (and the fields earlier steps filled) to the fields it
 * sets. Steps run in order; a later step sees what the earlier ones found (cost needs model and tokens).
 */
export interface NormalizeStep {
  name: string;
  apply(input: SpanInput, fields: Readonly<LlmFields>): Partial<LlmFields>;
}
