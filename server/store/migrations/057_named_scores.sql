-- Named scores: every score keeps its name as its own metric (routing_correct, helpfulness), beside `quality` (the
-- mean of every score, as before). Two sources: the `scores` table (POST /api/v1/scores, evaluation results received
-- as OTLP logs, online evaluators) and `gen_ai.evaluation.result` events of generation spans, copied here by name.

-- The named evaluation events of generation spans, one row per event, attributed like a `scores` row (the span's
-- environment, prompt, version as on the span, model and start). Events without a name or a numeric value are skipped
-- (they still count in the span's Quality).
CREATE TABLE IF NOT EXISTS span_scores (
    trace_id String,
    span_id String,
    name LowCardinality(String),
    value Float64,
    environment LowCardinality(String),
    prompt LowCardinality(String),
    version LowCardinality(String),
    model LowCardinality(String),
    span_time DateTime64(9)
) ENGINE = MergeTree
PARTITION BY toYYYYMM(span_time)
ORDER BY (environment, prompt, span_time, trace_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS span_scores_mv TO span_scores AS
SELECT
    trace_id,
    span_id,
    substring(event.2['gen_ai.evaluation.name'], 1, 100) AS name,
    assumeNotNull(toFloat64OrNull(event.2['gen_ai.evaluation.score.value'])) AS value,
    environment,
    prompt,
    version,
    model,
    span_time
FROM (
    SELECT
        TraceId AS trace_id,
        SpanId AS span_id,
        arrayJoin(arrayZip(Events.Name, Events.Attributes)) AS event,
        Environment AS environment,
        PromptName AS prompt,
        PromptVersion AS version,
        Model AS model,
        Timestamp AS span_time
    FROM otel_traces
    WHERE IsGeneration = 1 AND PromptName != '' AND has(Events.Name, 'gen_ai.evaluation.result')
)
WHERE event.1 = 'gen_ai.evaluation.result' AND name != ''
  AND toFloat64OrNull(event.2['gen_ai.evaluation.score.value']) IS NOT NULL AND isFinite(value);

-- Per-minute rollup of named scores, keyed like llm_scores_1m plus the name (the version is the arm: a canary's
-- arms are its two versions). Charts and the compare table read it; verdicts read the raw rows of their windows.
CREATE TABLE IF NOT EXISTS llm_named_scores_1m (
    Minute DateTime CODEC(Delta, ZSTD(1)),
    Environment LowCardinality(String),
    PromptName LowCardinality(String),
    PromptVersion LowCardinality(String),
    Model LowCardinality(String),
    Name LowCardinality(String),
    ScoreCount SimpleAggregateFunction(sum, UInt64),
    ScoreSum SimpleAggregateFunction(sum, Float64),
    ScoreSumSq SimpleAggregateFunction(sum, Float64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(Minute)
ORDER BY (Environment, PromptName, Minute, PromptVersion, Model, Name);

CREATE MATERIALIZED VIEW IF NOT EXISTS llm_named_scores_1m_mv TO llm_named_scores_1m AS
SELECT
    toStartOfMinute(span_time) AS Minute,
    environment AS Environment,
    prompt AS PromptName,
    version AS PromptVersion,
    model AS Model,
    name AS Name,
    count() AS ScoreCount,
    sum(value) AS ScoreSum,
    sum(value * value) AS ScoreSumSq
FROM scores
GROUP BY Minute, Environment, PromptName, PromptVersion, Model, Name;

CREATE MATERIALIZED VIEW IF NOT EXISTS llm_named_span_scores_1m_mv TO llm_named_scores_1m AS
SELECT
    toStartOfMinute(span_time) AS Minute,
    environment AS Environment,
    prompt AS PromptName,
    version AS PromptVersion,
    model AS Model,
    name AS Name,
    count() AS ScoreCount,
    sum(value) AS ScoreSum,
    sum(value * value) AS ScoreSumSq
FROM span_scores
GROUP BY Minute, Environment, PromptName, PromptVersion, Model, Name;
