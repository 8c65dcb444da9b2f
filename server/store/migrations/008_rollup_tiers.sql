-- Coarser rollups for overviews of many lanes: every lane's trend over hours or days would otherwise merge one
-- latency sketch per lane and minute (hundreds of thousands for 2,000 lanes over 6 hours). Per 10 minutes and per
-- hour, keyed by environment and prompt only, filled from llm_metrics_1m by chained materialized views. Minutes
-- rolled up before this migration are copied in once at start-up (server/store/rollup-tiers.ts). Latency sketches
-- merge exactly, so a tier's bucket has the same quantiles as the same minutes of llm_metrics_1m.
CREATE TABLE IF NOT EXISTS llm_metrics_10m (
    Bucket DateTime CODEC(Delta, ZSTD(1)),
    Environment LowCardinality(String),
    PromptName LowCardinality(String),
    Requests SimpleAggregateFunction(sum, UInt64),
    Errors SimpleAggregateFunction(sum, UInt64),
    LatencyMsQuantiles AggregateFunction(quantilesDD(0.01, 0.5, 0.95, 0.99), Float64),
    QualityCount SimpleAggregateFunction(sum, UInt64),
    QualitySum SimpleAggregateFunction(sum, Float64),
    QualitySumSq SimpleAggregateFunction(sum, Float64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(Bucket)
ORDER BY (Environment, PromptName, Bucket);

CREATE MATERIALIZED VIEW IF NOT EXISTS llm_metrics_10m_mv TO llm_metrics_10m AS
SELECT
    toStartOfTenMinutes(Minute) AS Bucket,
    Environment,
    PromptName,
    sum(Requests) AS Requests,
    sum(Errors) AS Errors,
    quantilesDDMergeState(0.01, 0.5, 0.95, 0.99)(LatencyMsQuantiles) AS LatencyMsQuantiles,
    sum(QualityCount) AS QualityCount,
    sum(QualitySum) AS QualitySum,
    sum(QualitySumSq) AS QualitySumSq
FROM llm_metrics_1m
GROUP BY Bucket, Environment, PromptName;

CREATE TABLE IF NOT EXISTS llm_metrics_1h (
    Bucket DateTime CODEC(Delta, ZSTD(1)),
    Environment LowCardinality(String),
    PromptName LowCardinality(String),
    Requests SimpleAggregateFunction(sum, UInt64),
    Errors SimpleAggregateFunction(sum, UInt64),
    LatencyMsQuantiles AggregateFunction(quantilesDD(0.01, 0.5, 0.95, 0.99), Float64),
    QualityCount SimpleAggregateFunction(sum, UInt64),
    QualitySum SimpleAggregateFunction(sum, Float64),
    QualitySumSq SimpleAggregateFunction(sum, Float64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(Bucket)
ORDER BY (Environment, PromptName, Bucket);

CREATE MATERIALIZED VIEW IF NOT EXISTS llm_metrics_1h_mv TO llm_metrics_1h AS
SELECT
    toStartOfHour(Minute) AS Bucket,
    Environment,
    PromptName,
    sum(Requests) AS Requests,
    sum(Errors) AS Errors,
    quantilesDDMergeState(0.01, 0.5, 0.95, 0.99)(LatencyMsQuantiles) AS LatencyMsQuantiles,
    sum(QualityCount) AS QualityCount,
    sum(QualitySum) AS QualitySum,
    sum(QualitySumSq) AS QualitySumSq
FROM llm_metrics_1m
GROUP BY Bucket, Environment, PromptName;
