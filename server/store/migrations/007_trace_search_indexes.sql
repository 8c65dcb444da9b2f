-- Trace search (GET /api/v1/traces with attr=, q=): skip indexes so that a search over a day of spans reads only
-- the granules that can match. Keys already have bloom filters (001); these add the values, and an n-gram bloom
-- filter over the searchable text of a span: every span and event attribute value, lower-cased (prompts and
-- completions live there, whatever the instrumentation). The expression must stay identical to SEARCH_TEXT in
-- server/traces/text-search.ts, or the index is not used (a test checks both). Parts written before this migration
-- get the indexes when they are next merged; until then they are read without pruning (results are the same).
ALTER TABLE otel_traces ADD INDEX IF NOT EXISTS idx_span_attr_value mapValues(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1;
ALTER TABLE otel_traces ADD INDEX IF NOT EXISTS idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1;
ALTER TABLE otel_traces ADD INDEX IF NOT EXISTS idx_search_text lower(arrayStringConcat(arrayConcat(mapValues(SpanAttributes), arrayFlatten(arrayMap(m -> mapValues(m), Events.Attributes))), '\n')) TYPE ngrambf_v1(3, 65536, 2, 0) GRANULARITY 1;
