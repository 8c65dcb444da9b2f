-- Spans: insert-compatible with the OpenTelemetry Collector ClickHouse exporter's otel_traces (its 22 columns
-- first, same names and types), plus the normalised LLM columns that Tracelane queries. Ordered by
-- environment and prompt so that "one environment + prompt + time window" reads few granules.
CREATE TABLE IF NOT EXISTS otel_traces (
    Timestamp DateTime64(9) CODEC(Delta, ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    ParentSpanId String CODEC(ZSTD(1)),
    TraceState String CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    SpanKind LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    ScopeName String CODEC(ZSTD(1)),
    ScopeVersion String CODEC(ZSTD(1)),
    SpanAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    Duration UInt64 CODEC(ZSTD(1)),
    StatusCode LowCardinality(String) CODEC(ZSTD(1)),
    StatusMessage String CODEC(ZSTD(1)),
    Events Nested (
        Timestamp DateTime64(9),
        Name LowCardinality(String),
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    Links Nested (
        TraceId String,
        SpanId String,
        TraceState String,
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    -- Normalised LLM columns ('' or NULL when the span does not carry the concept).
    Environment LowCardinality(String) DEFAULT '',
    PromptName LowCardinality(String) DEFAULT '',
    PromptVersion LowCardinality(String) DEFAULT '',
    -- 1 when PromptVersion was not on the span but inferred from the deployment deployed at the span's time.
    VersionInferred UInt8 DEFAULT 0,
    Model LowCardinality(String) DEFAULT '',
    Provider LowCardinality(String) DEFAULT '',
    Operation LowCardinality(String) DEFAULT '',
    -- 1 for the one span per model call that counts as a request in metrics (not its wrappers).
    IsGeneration UInt8 DEFAULT 0,
    InputTokens Nullable(UInt64),
    OutputTokens Nullable(UInt64),
    CachedInputTokens Nullable(UInt64),
    CostUsd Nullable(Float64),
    Quality Nullable(Float64),
    IsError UInt8 DEFAULT 0,
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_key mapKeys(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_duration Duration TYPE minmax GRANULARITY 1
) ENGINE = MergeTree
PARTITION BY toDate(Timestamp)
ORDER BY (Environment, PromptName, toStartOfMinute(Timestamp), ServiceName, SpanName)
SETTINGS ttl_only_drop_parts = 1;

-- Trace-id lookup, as the exporter's otel_traces_trace_id_ts: which time range to scan for one trace.
CREATE TABLE IF NOT EXISTS otel_traces_trace_id_ts (
    TraceId String CODEC(ZSTD(1)),
    Start DateTime64(9) CODEC(Delta, ZSTD(1)),
    End DateTime64(9) CODEC(Delta, ZSTD(1)),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.01) GRANULARITY 1
) ENGINE = MergeTree
PARTITION BY toDate(Start)
ORDER BY (TraceId, Start)
SETTINGS ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS otel_traces_trace_id_ts_mv TO otel_traces_trace_id_ts AS
SELECT TraceId, min(Timestamp) AS Start, max(Timestamp) AS End
FROM otel_traces
WHERE TraceId != ''
GROUP BY TraceId;

-- Per-minute rollup of generation spans, so dashboards over long ranges never scan raw spans.
-- Sums and sums of squares give means and variances (Welch tests); the quantile state gives p50/p95/p99.
CREATE TABLE IF NOT EXISTS llm_metrics_1m (
    Minute DateTime CODEC(Delta, ZSTD(1)),
    Environment LowCardinality(String),
    PromptName LowCardinality(String),
    PromptVersion LowCardinality(String),
    Model LowCardinality(String),
    Requests SimpleAggregateFunction(sum, UInt64),
    Errors SimpleAggregateFunction(sum, UInt64),
    InferredRequests SimpleAggregateFunction(sum, UInt64),
    LatencyMsSum SimpleAggregateFunction(sum, Float64),
    LatencyMsQuantiles AggregateFunction(quantilesDD(0.01, 0.5, 0.95, 0.99), Float64),
    CostCount SimpleAggregateFunction(sum, UInt64),
    CostSum SimpleAggregateFunction(sum, Float64),
    CostSumSq SimpleAggregateFunction(sum, Float64),
    InputTokensCount SimpleAggregateFunction(sum, UInt64),
    InputTokensSum SimpleAggregateFunction(sum, Float64),
    InputTokensSumSq SimpleAggregateFunction(sum, Float64),
    OutputTokensCount SimpleAggregateFunction(sum, UInt64),
    OutputTokensSum SimpleAggregateFunction(sum, Float64),
    OutputTokensSumSq SimpleAggregateFunction(sum, Float64),
    QualityCount SimpleAggregateFunction(sum, UInt64),
    QualitySum SimpleAggregateFunction(sum, Float64),
    QualitySumSq SimpleAggregateFunction(sum, Float64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(Minute)
ORDER BY (Environment, PromptName, Minute, PromptVersion, Model);

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
    sum(pow(ifNull(Quality, 0), 2)) AS QualitySumSq
FROM otel_traces
WHERE IsGeneration = 1 AND PromptName != ''
GROUP BY Minute, Environment, PromptName, PromptVersion, Model;
