-- Analysis: quality scores posted after the fact, offline evaluation results, and the stored verdict of every
-- evaluation of a deployment.

-- One row per POST /api/v1/scores. The trace's generation span is looked up when the score arrives, and its
-- environment, prompt, version (as on the span: '' when the span had none), model and time are copied here, so a
-- late score counts toward the version and the minute of the request it judges, not the minute it arrived.
CREATE TABLE IF NOT EXISTS scores (
    id String,
    trace_id String,
    span_id String,
    name LowCardinality(String),
    value Float64,
    source LowCardinality(String),
    comment String,
    environment LowCardinality(String),
    prompt LowCardinality(String),
    version LowCardinality(String),
    model LowCardinality(String),
    span_time DateTime64(9),
    created_at DateTime64(3),
    actor String
) ENGINE = MergeTree
PARTITION BY toYYYYMM(span_time)
ORDER BY (environment, prompt, span_time, trace_id);

-- Per-minute rollup of scores, keyed like llm_metrics_1m so both are read by the same queries; quality in metrics
-- is the span quality of llm_metrics_1m plus these.
CREATE TABLE IF NOT EXISTS llm_scores_1m (
    Minute DateTime CODEC(Delta, ZSTD(1)),
    Environment LowCardinality(String),
    PromptName LowCardinality(String),
    PromptVersion LowCardinality(String),
    Model LowCardinality(String),
    ScoreCount SimpleAggregateFunction(sum, UInt64),
    ScoreSum SimpleAggregateFunction(sum, Float64),
    ScoreSumSq SimpleAggregateFunction(sum, Float64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(Minute)
ORDER BY (Environment, PromptName, Minute, PromptVersion, Model);

CREATE MATERIALIZED VIEW IF NOT EXISTS llm_scores_1m_mv TO llm_scores_1m AS
SELECT
    toStartOfMinute(span_time) AS Minute,
    environment AS Environment,
    prompt AS PromptName,
    version AS PromptVersion,
    model AS Model,
    count() AS ScoreCount,
    sum(value) AS ScoreSum,
    sum(value * value) AS ScoreSumSq
FROM scores
GROUP BY Minute, Environment, PromptName, PromptVersion, Model;

-- Offline evaluation of one prompt version on a labelled dataset: one row per item of a run.
CREATE TABLE IF NOT EXISTS offline_evaluations (
    run_id String,
    prompt String,
    version UInt32,
    dataset String,
    item_id String,
    category LowCardinality(String),
    expected String,
    actual String,
    score Float64,
    created_at DateTime64(3),
    actor String
) ENGINE = MergeTree
ORDER BY (prompt, version, run_id, item_id);

-- Every evaluation of a deployment by the analysis loop, with the full report as JSON; the latest row per
-- deployment is its current verdict, and `final` = 1 marks the evaluation that closed the bake window.
CREATE TABLE IF NOT EXISTS deployment_analyses (
    deployment_id String,
    evaluated_at DateTime64(3),
    environment LowCardinality(String),
    prompt String,
    version UInt32,
    verdict LowCardinality(String),
    final UInt8,
    report String
) ENGINE = MergeTree
ORDER BY (deployment_id, evaluated_at);
