import type { TraceSpan } from './get-trace.js';

/**
 * What a stored generation span says about its call, when the instrumentation captured it: the prompt variables
 * and the completion text. Used to turn a production trace into a dataset item, and the hook for scoring live
 * traffic (online evaluation reads the same two things).
 */
const VARIABLE_OBJECT_KEYS = ['tracelane.prompt.variables', 'gen_ai.prompt.variables', 'llm.prompt_template.variables'];
const VARIABLE_PREFIXES = ['traceloop.prompt.template_variables.', 'tracelane.prompt.variables.'];
const COMPLETION_TEXT_KEYS = [
  'gen_ai.completion.0.content',
  'llm.output_messages.0.message.content',
  'output.value',
  'ai.response.text',
  'ai.response.object',
  'gen_ai.completion',
  'langfuse.observation.output',
];

export function spanVariables(span: Pick<TraceSpan, 'attributes'>): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const key of VARIABLE_OBJECT_KEYS) {
    const parsed = parseObject(span.attributes[key]);
    if (parsed) Object.assign(variables, parsed);
  }
  for (const [key, value] of Object.entries(span.attributes)) {
    const prefix = VARIABLE_PREFIXES.find((p) => key.startsWith(p));
    if (prefix) variables[key.slice(prefix.length)] = value;
  }
  return variables;
}

/** The completion text: GenAI `gen_ai.output.messages` first, then the other conventions, then `gen_ai.choice` events. */
export function spanCompletion(span: Pick<TraceSpan, 'attributes' | 'events'>): string | undefined {
  const messages = span.attributes['gen_ai.output.messages'];
  if (messages !== undefined) {
    const text = outputMessagesText(messages);
    if (text !== undefined) return text;
  }
  for (const key of COMPLETION_TEXT_KEYS) {
    const value = span.attributes[key];
    if (value !== undefined && value !== '') return value;
  }
  const choice = span.events.find((e) => e.name === 'gen_ai.choice');
  const content =
    choice?.attributes['message.content'] ?? choice?.attributes['gen_ai.completion'] ?? choice?.attributes.content;
  return content === undefined ? undefined : content;
}

/** Text of the first output message: `content` as text, or its text parts (GenAI `parts: [{type: "text", content}]`). */
function outputMessagesText(json: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  const first = Array.isArray(parsed) ? (parsed[0] as Record<string, unknown> | undefined) : undefined;
  if (!first) return undefined;
  if (typeof first.content === 'string') return first.content;
  const parts = Array.isArray(first.parts) ? first.parts : Array.isArray(first.content) ? first.content : [];
  const texts = (parts as Record<string, unknown>[])
    .map((p) => (typeof p.content === 'string' ? p.content : typeof p.text === 'string' ? p.text : undefined))
    .filter((t): t is string => t !== undefined);
  return texts.length ? texts.join('') : undefined;
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
