/**
 * Text search inside spans: prompts and completions live in span attributes (OpenLLMetry, OpenInference, Vercel,
 * Langfuse, GenAI JSON messages) or in span events (OpenLIT, deprecated GenAI events), so the searchable text of a
 * span is every span and event attribute value, lower-cased. Migration 007 indexes exactly this expression with an
 * n-gram bloom filter (idx_search_text); ClickHouse uses the index only when the query repeats it verbatim.
 */
export const SEARCH_TEXT =
  "lower(arrayStringConcat(arrayConcat(mapValues(SpanAttributes), arrayFlatten(arrayMap(m -> mapValues(m), Events.Attributes))), '\\n'))";

/** Shortest searchable text: the n-gram index needs at least three characters to prune. */
export const MIN_TEXT_CHARS = 3;
export const MAX_TEXT_CHARS = 200;

/** The LIKE pattern for a case-insensitive substring search of `text` (its `%`, `_` and `\` taken literally). */
export function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
