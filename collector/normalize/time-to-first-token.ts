import type { NormalizeStep, SpanInput } from './llm-fields.js';
import { fromSpan, jsonObjectAttribute, parseAmount } from './lookup.js';

/**
 * Time to first token of a streamed call, in milliseconds: GenAI `gen_ai.response.time_to_first_chunk` and the
 * server-side `gen_ai.server.time_to_first_token` (seconds; OpenLIT, Strands), Vercel AI SDK `msToFirstChunk`
 * (milliseconds), LiveKit's `lk.llm_metrics.ttft` (seconds), and Langfuse's `completion_start_time` (a time, read
 * against the span's start). Null for calls that did not stream.
 */
const SECONDS_KEYS = ['gen_ai.response.time_to_first_chunk', 'gen_ai.server.time_to_first_token'];
const MILLISECONDS_KEYS = ['ai.response.msToFirstChunk', 'ai.stream.msToFirstChunk'];
const LANGFUSE_COMPLETION_START = 'langfuse.observation.completion_start_time';
const LIVEKIT_METRICS = 'lk.llm_metrics';

const nonNegative = (ms: number | null): number | null => (ms !== null && ms >= 0 && Number.isFinite(ms) ? ms : null);

function fromLangfuse(input: SpanInput): number | null {
  const text = input.span.attributes[LANGFUSE_COMPLETION_START];
  if (text === undefined) return null;
  const at = Date.parse(text.replace(/^"|"$/g, '')); // the Langfuse SDKs JSON-encode it
  return Number.isNaN(at) ? null : at - Number(input.span.startTimeUnixNano / 1_000_000n);
}

function fromLiveKit(input: SpanInput): number | null {
  if (input.span.attributes[LIVEKIT_METRICS] === undefined) return null;
  const ttft = jsonObjectAttribute(input.span.attributes, LIVEKIT_METRICS)?.ttft;
  return typeof ttft === 'number' ? ttft * 1000 : null;
}

export const readTimeToFirstToken: NormalizeStep = {
  name: 'readTimeToFirstToken',
  apply: (input) => {
    const seconds = parseAmount(fromSpan(input, SECONDS_KEYS));
    const ms = seconds !== null ? seconds * 1000 : parseAmount(fromSpan(input, MILLISECONDS_KEYS));
    return { timeToFirstTokenMs: nonNegative(ms ?? fromLangfuse(input) ?? fromLiveKit(input)) };
  },
};
