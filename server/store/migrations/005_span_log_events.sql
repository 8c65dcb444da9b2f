-- GenAI events that arrive as OTLP log records tied to a span (trace and span id): evaluation results and message
-- content. Spans are immutable, so these are kept beside them and joined when a trace is read — whichever arrived
-- first. An evaluation result with a usable score also becomes a named score of the span (ScoreId, in `scores`,
-- written once the span is there). Other log records are counted and not stored.
CREATE TABLE IF NOT EXISTS span_log_events (
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    Timestamp DateTime64(9) CODEC(Delta, ZSTD(1)),
    EventName LowCardinality(String),
    SeverityNumber UInt8,
    Body String CODEC(ZSTD(1)),
    Attributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String),
    ScoreId String,
    ScoreName String,
    ScoreValue Nullable(Float64),
    ReceivedAt DateTime64(3) DEFAULT now64(3),
    INDEX idx_received ReceivedAt TYPE minmax GRANULARITY 1
) ENGINE = MergeTree
PARTITION BY toDate(Timestamp)
ORDER BY (TraceId, SpanId, Timestamp)
SETTINGS ttl_only_drop_parts = 1;
