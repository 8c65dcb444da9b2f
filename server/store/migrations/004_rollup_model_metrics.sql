-- The new span columns as metrics: cache-write and reasoning tokens per request, and time to first token of the
-- streamed requests (its own count: calls that did not stream have none). The view is replaced to fill them; a span
-- inserted while this runs may miss the rollup (the start-up rollup repair recomputes such minutes).
ALTER TABLE llm_metrics_1m
    ADD COLUMN IF NOT EXISTS CacheWriteTokensCount SimpleAggregateFunction(sum, UInt64),
    ADD COLUMN IF NOT EXISTS CacheWriteTokensSum SimpleAggregateFunction(sum, Float64),
    ADD COLUMN IF NOT EXISTS CacheWriteTokensSumSq SimpleAggregateFunction(sum, Float64),
    ADD COLUMN IF NOT EXISTS ReasoningTokensCount SimpleAggregateFunction(sum, UInt64),
    ADD COLUMN IF NOT EXISTS ReasoningTokensSum SimpleAggregateFunction(sum, Float64),
    ADD COLUMN IF NOT EXISTS ReasoningTokensSumSq SimpleAggregateFunction(sum, Float64),
    ADD COLUMN IF NOT EXISTS TimeToFirstTokenCount SimpleAggregateFunction(sum, UInt64),
    ADD COLUMN IF NOT EXISTS TimeToFirstTokenMsSum SimpleAggregateFunction(sum, Float64),
    ADD COLUMN IF NOT EXISTS TimeToFirstTokenMsQuantiles AggregateFunction(quantilesDD(0.01, 0.5, 0.95, 0.99), Float64);

DROP VIEW IF EXISTS llm_metrics_1m_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS llm_metrics_1m_mv TO llm_metrics_1m AS
SELECT
    toStartOfMinute(Timestamp) AS Minute,
    Environment,
    PromptName,
    PromptVersion,
    Model,
    count() AS Requests,
    sum(IsError) AS Errors,
    sum(VersionInferred) AS InferredRequests,
    sum(Duration / 1e6) AS LatencyMsSum,
    quantilesDDState(0.01, 0.5, 0.95, 0.99)(Duration / 1e6) AS LatencyMsQuantiles,
    count(CostUsd) AS CostCount,
    sum(ifNull(CostUsd, 0)) AS CostSum,
    sum(pow(ifNull(CostUsd, 0), 2)) AS CostSumSq,
    count(InputTokens) AS InputTokensCount,
    sum(toFloat64(ifNull(InputTokens, 0))) AS InputTokensSum,
    sum(pow(toFloat64(ifNull(InputTokens, 0)), 2)) AS InputTokensSumSq,
    count(OutputTokens) AS OutputTokensCount,
    sum(toFloat64(ifNull(OutputTokens, 0))) AS OutputTokensSum,
    sum(pow(toFloat64(ifNull(OutputTokens, 0)), 2)) AS OutputTokensSumSq,
    count(Quality) AS QualityCount,
    sum(ifNull(Quality, 0)) AS QualitySum,
    sum(pow(ifNull(Quality, 0), 2)) AS QualitySumSq,
    count(CacheWriteTokens) AS CacheWriteTokensCount,
    sum(toFloat64(ifNull(CacheWriteTokens, 0))) AS CacheWriteTokensSum,
    sum(pow(toFloat64(ifNull(CacheWriteTokens, 0)), 2)) AS CacheWriteTokensSumSq,
    count(ReasoningTokens) AS ReasoningTokensCount,
    sum(toFloat64(ifNull(ReasoningTokens, 0))) AS ReasoningTokensSum,
    sum(pow(toFloat64(ifNull(ReasoningTokens, 0)), 2)) AS ReasoningTokensSumSq,
    count(TimeToFirstTokenMs) AS TimeToFirstTokenCount,
    sum(ifNull(TimeToFirstTokenMs, 0)) AS TimeToFirstTokenMsSum,
    quantilesDDStateIf(0.01, 0.5, 0.95, 0.99)(ifNull(TimeToFirstTokenMs, 0), TimeToFirstTokenMs IS NOT NULL) AS TimeToFirstTokenMsQuantiles
FROM otel_traces
WHERE IsGeneration = 1 AND PromptName != ''
GROUP BY Minute, Environment, PromptName, PromptVersion, Model;

-- Embedding calls are their own operation: counted and priced here, never mixed into the requests and latency of
-- llm_metrics_1m. Kept for every embedding span, with or without a prompt ('' then), keyed like llm_metrics_1m.
CREATE TABLE IF NOT EXISTS llm_embeddings_1m (
    Minute DateTime CODEC(Delta, ZSTD(1)),
    Environment LowCardinality(String),
    PromptName LowCardinality(String),
    PromptVersion LowCardinality(String),
    Model LowCardinality(String),
    Requests SimpleAggregateFunction(sum, UInt64),
    Errors SimpleAggregateFunction(sum, UInt64),
    LatencyMsSum SimpleAggregateFunction(sum, Float64),
    LatencyMsQuantiles AggregateFunction(quantilesDD(0.01, 0.5, 0.95, 0.99), Float64),
    CostCount SimpleAggregateFunction(sum, UInt64),
    CostSum SimpleAggregateFunction(sum, Float64),
    InputTokensCount SimpleAggregateFunction(sum, UInt64),
    InputTokensSum SimpleAggregateFunction(sum, Float64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(Minute)
ORDER BY (Environment, PromptName, Minute, PromptVersion, Model);

CREATE MATERIALIZED VIEW IF NOT EXISTS llm_embeddings_1m_mv TO llm_embeddings_1m AS
SELECT
    toStartOfMinute(Timestamp) AS Minute,
    Environment,
    PromptName,
    PromptVersion,
    Model,
    count() AS Requests,
    sum(IsError) AS Errors,
    sum(Duration / 1e6) AS LatencyMsSum,
    quantilesDDState(0.01, 0.5, 0.95, 0.99)(Duration / 1e6) AS LatencyMsQuantiles,
    count(CostUsd) AS CostCount,
    sum(ifNull(CostUsd, 0)) AS CostSum,
    count(InputTokens) AS InputTokensCount,
    sum(toFloat64(ifNull(InputTokens, 0))) AS InputTokensSum
FROM otel_traces
WHERE Operation = 'embeddings'
GROUP BY Minute, Environment, PromptName, PromptVersion, Model;
