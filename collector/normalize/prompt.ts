import type { Attributes } from '../otlp/span.js';
import type { NormalizeStep, SpanInput } from './llm-fields.js';
import { jsonObjectAttribute, spanThenResource } from './lookup.js';

/** Prompt name keys, most specific first: GenAI, Langfuse, OpenLLMetry, OpenInference, Vercel AI SDK metadata. */
export const PROMPT_NAME_KEYS = [
  'gen_ai.prompt.name',
  'langfuse.observation.prompt.name',
  'langfuse.prompt.name',
  'traceloop.prompt.key',
  'prompt.id',
  'ai.telemetry.metadata.promptName',
  'ai.telemetry.metadata.prompt_name',
];

/** Prompt version keys, in the precedence of telemetry-conventions.md. */
export const PROMPT_VERSION_KEYS = [
  'gen_ai.prompt.version',
  'langfuse.observation.prompt.version',
  'langfuse.prompt.version',
  'llm.prompt_template.version',
  'traceloop.prompt.version',
  'ai.telemetry.metadata.promptVersion',
  'ai.telemetry.metadata.prompt_version',
];

/** Langfuse's Vercel AI SDK integration passes `metadata: { langfusePrompt: prompt.toJSON() }`: {"name","version"}. */
const LANGFUSE_PROMPT_METADATA = 'ai.telemetry.metadata.langfusePrompt';

/** `name` or `version` of Langfuse's prompt metadata, '' when absent (the common case costs one lookup). */
function langfusePrompt(attributes: Attributes, part: 'name' | 'version'): string {
  if (attributes[LANGFUSE_PROMPT_METADATA] === undefined) return '';
  const value = jsonObjectAttribute(attributes, LANGFUSE_PROMPT_METADATA)?.[part];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** The prompt from the configured keys and the known conventions, then from Langfuse's Vercel metadata. */
function promptField(input: SpanInput, keys: readonly string[], part: 'name' | 'version'): string {
  return (
    spanThenResource(input, keys) || langfusePrompt(input.span.attributes, part) || langfusePrompt(input.resource, part)
  );
}

export function readPromptName(extraKeys: readonly string[]): NormalizeStep {
  const keys = [...extraKeys, ...PROMPT_NAME_KEYS];
  return { name: 'readPromptName', apply: (input) => ({ promptName: promptField(input, keys, 'name') }) };
}

export function readPromptVersion(extraKeys: readonly string[]): NormalizeStep {
  const keys = [...extraKeys, ...PROMPT_VERSION_KEYS];
  return { name: 'readPromptVersion', apply: (input) => ({ promptVersion: promptField(input, keys, 'version') }) };
}
