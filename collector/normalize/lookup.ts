import type { Attributes } from '../otlp/span.js';
import type { SpanInput } from './llm-fields.js';

/** Normalised text columns are identifiers (LowCardinality); longer values are cut. */
const MAX_IDENTIFIER_CHARS = 256;

/**
 * The precedence every identity concept (environment, prompt, model, provider) follows: the first key that has a
 * non-empty value on the span, in the order given, then the same keys on the resource.
 */
export function spanThenResource(input: SpanInput, keys: readonly string[]): string {
  return first(input.span.attributes, keys) || first(input.resource, keys);
}

/** Per-call measurements (tokens, cost) are read from the span only. */
export function fromSpan(input: SpanInput, keys: readonly string[]): string {
  return first(input.span.attributes, keys);
}

function first(attributes: Attributes, keys: readonly string[]): string {
  for (const key of keys) {
    const value = attributes[key];
    if (value !== undefined) {
      const trimmed = value.trim();
      if (trimmed !== '')
        return trimmed.length > MAX_IDENTIFIER_CHARS ? trimmed.slice(0, MAX_IDENTIFIER_CHARS) : trimmed;
    }
  }
  return '';
}

/** A token count: a non-negative integer (a double like "12.0" is accepted), else null. */
function parseCount(text: string | undefined): number | null {
  if (text === undefined || text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? Math.round(n) : null;
}

/** An amount (cost, score): a finite number, else null. */
export function parseAmount(text: string | undefined): number | null {
  if (text === undefined || text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** The first key among `keys` whose span value parses as a count. */
export function firstCount(input: SpanInput, keys: readonly string[]): number | null {
  for (const key of keys) {
    const n = parseCount(input.span.attributes[key]);
    if (n !== null) return n;
  }
  return null;
}

/** A JSON object attribute (Langfuse's usage_details, a Vercel `langfusePrompt`), or undefined when absent or invalid. */
export function jsonObjectAttribute(attributes: Attributes, key: string): Record<string, unknown> | undefined {
  const text = attributes[key];
  if (text === undefined || !text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
