import type { NormalizeStep, SpanInput } from './llm-fields.js';
import { fromSpan } from './lookup.js';

/**
 * The GenAI operation name (`chat`, `text_completion`, `embeddings`, `execute_tool`, `invoke_agent`, …), taken from
 * `gen_ai.operation.name` or translated from what each instrumentation marks its spans with.
 */
const OPENLLMETRY_REQUEST_TYPE = new Map([
  ['chat', 'chat'],
  ['completion', 'text_completion'],
  ['embedding', 'embeddings'],
  ['rerank', 'rerank'],
]);

const OPENINFERENCE_SPAN_KIND = new Map([
  ['llm', 'chat'],
  ['embedding', 'embeddings'],
  ['tool', 'execute_tool'],
  ['agent', 'invoke_agent'],
  ['retriever', 'retrieval'],
  ['reranker', 'rerank'],
]);

const LANGFUSE_OBSERVATION_TYPE = new Map([
  ['generation', 'chat'],
  ['embedding', 'embeddings'],
  ['tool', 'execute_tool'],
  ['agent', 'invoke_agent'],
  ['retriever', 'retrieval'],
]);

/**
 * Vercel AI SDK (v3–v6) `ai.operationId`: the provider call spans (`doGenerate`, `doStream`, `doEmbed`) and tool
 * calls. The wrappers (`ai.generateText`, `ai.streamText`, …) get no operation: they are not model calls.
 */
function vercelOperation(operationId: string): string {
  if (operationId.endsWith('.doGenerate') || operationId.endsWith('.doStream')) return 'chat';
  if (operationId.endsWith('.doEmbed')) return 'embeddings';
  if (operationId === 'ai.toolCall') return 'execute_tool';
  return '';
}

const lower = (input: SpanInput, key: string) => fromSpan(input, [key]).toLowerCase();

export const readOperation: NormalizeStep = {
  name: 'readOperation',
  apply: (input) => ({
    operation:
      lower(input, 'gen_ai.operation.name') ||
      OPENLLMETRY_REQUEST_TYPE.get(lower(input, 'llm.request.type')) ||
      OPENINFERENCE_SPAN_KIND.get(lower(input, 'openinference.span.kind')) ||
      LANGFUSE_OBSERVATION_TYPE.get(lower(input, 'langfuse.observation.type')) ||
      vercelOperation(fromSpan(input, ['ai.operationId'])),
  }),
};

/**
 * IsGeneration = 1 for the one span per model call that counts as a request in metrics: the span whose operation
 * is a generation (`chat`, `text_completion`, `generate_content`). That is the GenAI client span, the OpenLLMetry
 * `llm.request.type` span, the OpenInference LLM span, the Langfuse generation observation and the Vercel
 * `doGenerate`/`doStream` span — never a wrapper (`invoke_agent`, `ai.generateText`), tool, embedding or chain span.
 */
const GENERATION_OPERATIONS: ReadonlySet<string> = new Set(['chat', 'text_completion', 'generate_content']);

export const markGeneration: NormalizeStep = {
  name: 'markGeneration',
  apply: (_input, fields) => ({ isGeneration: GENERATION_OPERATIONS.has(fields.operation) }),
};
