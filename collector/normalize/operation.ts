import type { NormalizeStep, SpanInput } from './llm-fields.js';

/**
 * What kind of span this is, as a GenAI operation name (`chat`, `text_completion`, `generate_content`,
 * `embeddings`, `execute_tool`, `invoke_agent`, …). An explicit type set by the instrumentation decides, in this
 * precedence: Langfuse observation type, OpenInference span kind, GenAI operation name, OpenLLMetry (and LiteLLM)
 * request type, Vercel AI SDK operation id, Genkit action subtype, MLflow span type, Traceloop span kind. A span
 * carrying one of these keys is what that key says — a wrapper (`invoke_agent`, a chain, `ai.generateText`, a
 * Spring AI `framework` span) stays a wrapper even when it repeats the model and the summed usage. Only a span with
 * none of them is judged by the heuristic: it names a model and reports token usage.
 */
type Translate = (value: string) => string;

/** A translation table (a Map: a value such as `constructor` must not find Object's prototype). */
const table = (entries: Record<string, string>): Translate => {
  const map = new Map(Object.entries(entries));
  return (value) => map.get(value) ?? '';
};

/**
 * Synonyms sent as `gen_ai.operation.name` by frameworks (Semantic Kernel `chat.completions`, Spring AI `embedding`,
 * LiteLLM `completion`), mapped to the GenAI names; other values are kept as sent.
 */
const OPERATION_SYNONYMS = new Map(
  Object.entries({
    completion: 'text_completion',
    completions: 'text_completion',
    'text.completions': 'text_completion',
    'text.streaming_completions': 'text_completion',
    'chat.completions': 'chat',
    'chat.streaming_completions': 'chat',
    chat_completion: 'chat',
    generate: 'generate_content',
    embedding: 'embeddings',
    embed: 'embeddings',
  }),
);
const genAiOperation: Translate = (value) => OPERATION_SYNONYMS.get(value) ?? value;

/** Vercel AI SDK (v3–v6) provider calls and tool calls; the wrappers (`ai.generateText`, …) are not model calls. */
function vercelOperation(operationId: string): string {
  if (operationId.endsWith('.dogenerate') || operationId.endsWith('.dostream')) return 'chat';
  if (operationId.endsWith('.doembed')) return 'embeddings';
  if (operationId === 'ai.toolcall') return 'execute_tool';
  return '';
}

/** MLflow writes its span type JSON-encoded (`"CHAT_MODEL"`). */
const MLFLOW_SPAN_TYPE = table({
  chat_model: 'chat',
  llm: 'text_completion',
  embedding: 'embeddings',
  tool: 'execute_tool',
  agent: 'invoke_agent',
  retriever: 'retrieval',
  reranker: 'rerank',
});
const mlflowType: Translate = (value) => MLFLOW_SPAN_TYPE(value.replace(/^"|"$/g, ''));

const EXPLICIT_TYPES: readonly (readonly [string, Translate])[] = [
  [
    'langfuse.observation.type',
    table({
      generation: 'chat',
      embedding: 'embeddings',
      tool: 'execute_tool',
      agent: 'invoke_agent',
      retriever: 'retrieval',
    }),
  ],
  [
    'openinference.span.kind',
    table({
      llm: 'chat',
      embedding: 'embeddings',
      tool: 'execute_tool',
      agent: 'invoke_agent',
      retriever: 'retrieval',
      reranker: 'rerank',
    }),
  ],
  ['gen_ai.operation.name', genAiOperation],
  [
    'llm.request.type',
    table({
      chat: 'chat',
      completion: 'text_completion',
      acompletion: 'chat',
      embedding: 'embeddings',
      aembedding: 'embeddings',
      rerank: 'rerank',
    }),
  ],
  ['ai.operationId', vercelOperation],
  ['genkit:metadata:subtype', table({ model: 'generate_content', embedder: 'embeddings', tool: 'execute_tool' })],
  ['mlflow.spanType', mlflowType],
  ['traceloop.span.kind', table({ tool: 'execute_tool', agent: 'invoke_agent' })],
];

/** The explicit type of the span, or undefined when it carries none. */
function explicitOperation(input: SpanInput): string | undefined {
  const attributes = input.span.attributes;
  for (const [key, translate] of EXPLICIT_TYPES) {
    const value = attributes[key];
    if (value !== undefined && value.trim() !== '') return translate(value.trim().toLowerCase());
  }
  return undefined;
}

export const readOperation: NormalizeStep = {
  name: 'readOperation',
  apply: (input, fields) => {
    const explicit = explicitOperation(input);
    if (explicit !== undefined) return { operation: explicit };
    if (fields.model === '' || (fields.inputTokens === null && fields.outputTokens === null)) return { operation: '' };
    const embedding = fields.outputTokens === null && /embed/i.test(fields.model);
    return { operation: embedding ? 'embeddings' : 'chat' };
  },
};

/**
 * IsGeneration = 1 for the one span per model call that counts as a request in metrics: the span whose operation
 * is a generation (`chat`, `text_completion`, `generate_content`) — never a wrapper, tool, or embedding span.
 * Embedding calls are their own operation: counted and priced in their own rollup, kept out of chat latency.
 */
const GENERATION_OPERATIONS: ReadonlySet<string> = new Set(['chat', 'text_completion', 'generate_content']);

export const markGeneration: NormalizeStep = {
  name: 'markGeneration',
  apply: (_input, fields) => ({ isGeneration: GENERATION_OPERATIONS.has(fields.operation) }),
};
