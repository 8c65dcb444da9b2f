/**
 * The system prompt a span captured, as one SQL expression over otel_traces (SpanAttributes, Events), so that a scan
 * groups spans by it inside ClickHouse instead of shipping every prompt to Node. The first convention present wins:
 *
 *   gen_ai.system_instructions            OpenTelemetry GenAI: [{"type":"text","content":"…"}] (or plain text)
 *   gen_ai.input.messages                 OpenTelemetry GenAI: [{"role":"system","parts":[{"type":"text","content":"…"}]}, …]
 *   gen_ai.prompt.0.role / .content       OpenLLMetry, when message 0 is the system message
 *   llm.input_messages.0.message.role / .content   OpenInference, likewise
 *   ai.prompt.messages                    Vercel AI SDK: [{"role":"system","content":"…"}, …]
 *   ai.prompt                             Vercel AI SDK: {"system":"…", …}
 *   langfuse.observation.input            Langfuse: [{"role":"system","content":"…"}, …]
 *   event gen_ai.system.message           deprecated GenAI events, attribute `content`
 *
 * Messages with role `system` or `developer` count, joined by a newline; a message's text parts are concatenated.
 * '' when the span captured no system prompt.
 */
const attr = (key: string) => `SpanAttributes['${key}']`;

/** The text of a message's JSON: its `parts` (GenAI), its `content` parts (`text`), or its `content` string. */
const MESSAGE_TEXT = `if(JSONType(m, 'parts') = 'Array',
      arrayStringConcat(arrayMap(p -> JSONExtractString(p, 'content'), JSONExtractArrayRaw(m, 'parts')), ''),
      if(JSONType(m, 'content') = 'Array',
        arrayStringConcat(arrayMap(p -> JSONExtractString(p, 'text'), JSONExtractArrayRaw(m, 'content')), ''),
        JSONExtractString(m, 'content')))`;

const systemOfMessages = (json: string) => `arrayStringConcat(arrayMap(m -> ${MESSAGE_TEXT},
      arrayFilter(m -> JSONExtractString(m, 'role') IN ('system', 'developer'), JSONExtractArrayRaw(${json}))), '\\n')`;

const INSTRUCTIONS = attr('gen_ai.system_instructions');
const SYSTEM_EVENT = `Events.Attributes[indexOf(Events.Name, 'gen_ai.system.message')]['content']`;

export const SYSTEM_PROMPT_SQL = `multiIf(
    ${INSTRUCTIONS} != '',
      if(startsWith(trimLeft(${INSTRUCTIONS}), '['),
        arrayStringConcat(arrayMap(p -> JSONExtractString(p, 'content'), JSONExtractArrayRaw(${INSTRUCTIONS})), '\\n'),
        ${INSTRUCTIONS}),
    ${attr('gen_ai.input.messages')} != '', ${systemOfMessages(attr('gen_ai.input.messages'))},
    ${attr('gen_ai.prompt.0.role')} = 'system', ${attr('gen_ai.prompt.0.content')},
    ${attr('llm.input_messages.0.message.role')} = 'system', ${attr('llm.input_messages.0.message.content')},
    ${attr('ai.prompt.messages')} != '', ${systemOfMessages(attr('ai.prompt.messages'))},
    ${attr('ai.prompt')} != '', JSONExtractString(${attr('ai.prompt')}, 'system'),
    ${attr('langfuse.observation.input')} != '', ${systemOfMessages(attr('langfuse.observation.input'))},
    ${SYSTEM_EVENT})`;
