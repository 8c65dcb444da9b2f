-- When data arrives, per lane: the analysis loop re-evaluates a deployment only when spans or scores of its lane
-- arrived since its last evaluation (or its window closed), and data arriving for a window that has already closed
-- re-opens the verdict. Span times say nothing about arrival (late data carries old timestamps), so each insert
-- records its own arrival time (the store's clock, now64() in the materialized views) with the range of span times
-- it carried, per minute of arrival and lane. Kept 8 days (the loop looks back 7).
CREATE TABLE IF NOT EXISTS lane_arrivals (
    Minute DateTime CODEC(Delta, ZSTD(1)),
    Environment LowCardinality(String),
    PromptName LowCardinality(String),
    LastArrival SimpleAggregateFunction(max, DateTime64(3)),
    MinTime SimpleAggregateFunction(min, DateTime64(9)),
    MaxTime SimpleAggregateFunction(max, DateTime64(9)),
    Rows SimpleAggregateFunction(sum, UInt64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(Minute)
ORDER BY (Minute, Environment, PromptName)
TTL Minute + toIntervalDay(8);

CREATE MATERIALIZED VIEW IF NOT EXISTS lane_arrivals_spans_mv TO lane_arrivals AS
SELECT
    toStartOfMinute(now()) AS Minute,
    Environment,
    PromptName,
    max(now64(3)) AS LastArrival,
    min(Timestamp) AS MinTime,
    max(Timestamp) AS MaxTime,
    count() AS Rows
FROM otel_traces
WHERE IsGeneration = 1 AND PromptName != '' AND Environment != ''
GROUP BY Minute, Environment, PromptName;

CREATE MATERIALIZED VIEW IF NOT EXISTS lane_arrivals_scores_mv TO lane_arrivals AS
SELECT
    toStartOfMinute(now()) AS Minute,
    environment AS Environment,
    prompt AS PromptName,
    max(now64(3)) AS LastArrival,
    min(span_time) AS MinTime,
    max(span_time) AS MaxTime,
    count() AS Rows
FROM scores
WHERE prompt != '' AND environment != ''
GROUP BY Minute, Environment, PromptName;
