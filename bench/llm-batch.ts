import { randomBytes } from 'node:crypto';
import { ExportTraceServiceRequest } from '../collector/otlp/proto-schema.js';

/**
 * Realistic OTLP batches of LLM spans for the ingest benchmark: traces of four spans (an HTTP server root, an
 * `invoke_agent` wrapper, a `chat` generation with prompt and completion text, an `execute_tool` call) under
 * OpenTelemetry GenAI conventions, spread over a few prompts, versions, models and environments.
 */
type Value = { stringValue: string } | { intValue: number } | { doubleValue: number } | { boolValue: boolean };

const PROMPTS = ['support-reply', 'summarise-ticket', 'classify-intent', 'draft-email'];
const MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4-5', 'gemini-2.5-flash'];
const ENVIRONMENTS = ['production', 'staging'];
const QUESTION =
  'My order #48213 arrived damaged and the replacement I was promised last week has not shipped yet. ' +
  'Can you tell me when it will arrive, and whether I can get a refund for the shipping cost instead?';
const ANSWER =
  'I am sorry about the damaged order. The replacement for order #48213 shipped this morning and should ' +
  'arrive within three business days. I have also refunded the shipping cost to your original payment method.';

const kv = (key: string, value: string | number | boolean) => ({
  key,
  value: typeOf(value),
});

function typeOf(value: string | number | boolean): Value {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
}

function span(
  traceId: Buffer,
  parentSpanId: Buffer | undefined,
  name: string,
  kind: number,
  startNs: bigint,
  durationNs: bigint,
  attributes: ReturnType<typeof kv>[],
) {
  return {
    traceId,
    spanId: randomBytes(8),
    parentSpanId: parentSpanId ?? Buffer.alloc(0),
    name,
    kind,
    startTimeUnixNano: startNs.toString(),
    endTimeUnixNano: (startNs + durationNs).toString(),
    attributes,
    status: { code: 0 },
  };
}

/** The four spans of one agent request, starting at `startNs`. */
function trace(i: number, startNs: bigint) {
  const traceId = randomBytes(16);
  const prompt = PROMPTS[i % PROMPTS.length]!;
  const model = MODELS[i % MODELS.length]!;
  const root = span(traceId, undefined, 'POST /api/chat', 2, startNs, 2_400_000_000n, [
    kv('http.request.method', 'POST'),
    kv('http.route', '/api/chat'),
    kv('http.response.status_code', 200),
    kv('url.scheme', 'https'),
  ]);
  const agent = span(traceId, root.spanId, 'invoke_agent support', 1, startNs + 1_000_000n, 2_300_000_000n, [
    kv('gen_ai.operation.name', 'invoke_agent'),
    kv('gen_ai.agent.name', 'support'),
    kv('gen_ai.conversation.id', `conv-${i % 997}`),
  ]);
  const chat = span(
    traceId,
    agent.spanId,
    `chat ${model}`,
    3,
    startNs + 2_000_000n,
    1_800_000_000n + BigInt(i % 500) * 1_000_000n,
    [
      kv('gen_ai.operation.name', 'chat'),
      kv('gen_ai.provider.name', 'openai'),
      kv('gen_ai.request.model', model),
      kv('gen_ai.response.model', `${model}-2024-08-06`),
      kv('gen_ai.request.temperature', 0.2),
      kv('gen_ai.request.max_tokens', 1024),
      kv('gen_ai.response.id', `chatcmpl-${randomBytes(12).toString('hex')}`),
      kv('gen_ai.response.finish_reasons', '["stop"]'),
      kv('gen_ai.usage.input_tokens', 350 + (i % 200)),
      kv('gen_ai.usage.output_tokens', 120 + (i % 80)),
      kv('gen_ai.usage.cache_read.input_tokens', i % 3 === 0 ? 256 : 0),
      kv('gen_ai.prompt.name', prompt),
      kv('gen_ai.prompt.version', String(1 + (i % 3))),
      kv('gen_ai.conversation.id', `conv-${i % 997}`),
      kv('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: QUESTION }] }])),
      kv('gen_ai.output.messages', JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: ANSWER }] }])),
      kv('server.address', 'api.openai.com'),
      kv('server.port', 443),
    ],
  );
  const tool = span(traceId, agent.spanId, 'execute_tool lookup_order', 1, startNs + 1_900_000_000n, 300_000_000n, [
    kv('gen_ai.operation.name', 'execute_tool'),
    kv('gen_ai.tool.name', 'lookup_order'),
    kv('gen_ai.tool.call.id', `call_${i}`),
  ]);
  return [root, agent, chat, tool];
}

/** One ExportTraceServiceRequest of `spanCount` spans (a multiple of 4), its traces starting near `nowNs`. */
function llmBatch(spanCount: number, seed: number, nowNs: bigint) {
  const spans = [];
  for (let i = 0; spans.length < spanCount; i++) spans.push(...trace(seed + i, nowNs - BigInt(i) * 1_000_000n));
  const environment = ENVIRONMENTS[seed % ENVIRONMENTS.length]!;
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [
            kv('service.name', 'support-agent'),
            kv('service.version', '1.8.2'),
            kv('deployment.environment.name', environment),
            kv('telemetry.sdk.language', 'nodejs'),
            kv('telemetry.sdk.name', 'opentelemetry'),
            kv('telemetry.sdk.version', '2.12.0'),
          ],
        },
        scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-openai', version: '0.5.0' }, spans }],
      },
    ],
  };
}

/** The batch encoded as OTLP protobuf bytes. */
export function encodeLlmBatch(spanCount: number, seed: number, nowNs: bigint): Uint8Array {
  return ExportTraceServiceRequest.encode(
    ExportTraceServiceRequest.fromObject(llmBatch(spanCount, seed, nowNs)),
  ).finish();
}
