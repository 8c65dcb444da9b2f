-- More normalised LLM columns: the requested and the answering model (a provider's snapshot switch shows as a new
-- ResponseModel under the same RequestModel), cache-write and reasoning tokens, and time to first token of streamed
-- calls. Metrics keep grouping by Model (the requested model, else the answering one).
ALTER TABLE otel_traces
    ADD COLUMN IF NOT EXISTS RequestModel LowCardinality(String) DEFAULT '' AFTER IsError,
    ADD COLUMN IF NOT EXISTS ResponseModel LowCardinality(String) DEFAULT '' AFTER RequestModel,
    ADD COLUMN IF NOT EXISTS CacheWriteTokens Nullable(UInt64) AFTER ResponseModel,
    ADD COLUMN IF NOT EXISTS ReasoningTokens Nullable(UInt64) AFTER CacheWriteTokens,
    ADD COLUMN IF NOT EXISTS TimeToFirstTokenMs Nullable(Float64) AFTER ReasoningTokens;
