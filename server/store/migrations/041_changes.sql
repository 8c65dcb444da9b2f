-- Changes nobody announced: a model snapshot switched behind a requested model, or a prompt's captured text no
-- longer matching the version its spans claim. One row per change, when it is first detected.
-- model_snapshot: `model` is the requested model, `before` / `after` the response models, `prompts` the prompts
-- seen answered by the new one. prompt_drift: `prompt` / `version` as the spans claim, `after` the hash of the
-- captured system prompt. `evidence` is JSON (counts, the captured text's start, where it differs).
CREATE TABLE IF NOT EXISTS change_events (
    id String,
    kind LowCardinality(String),
    time DateTime64(3),
    detected_at DateTime64(3),
    environment LowCardinality(String),
    prompt String,
    version String,
    model String,
    before String,
    after String,
    prompts Array(String),
    example_trace_id String,
    example_span_id String,
    evidence String
) ENGINE = MergeTree
ORDER BY (environment, time, id);

-- Spans showing a change, counted per scan; a change's count is the sum of its rows.
CREATE TABLE IF NOT EXISTS change_observations (
    change_id String,
    time DateTime64(3),
    last_seen DateTime64(3),
    spans UInt64,
    example_trace_id String
) ENGINE = MergeTree
ORDER BY (change_id, time);

-- Every response model seen behind a requested model in an environment (the model snapshot detector's memory).
CREATE TABLE IF NOT EXISTS response_models (
    environment String,
    model String,
    response_model String,
    first_seen DateTime64(3),
    last_seen DateTime64(3)
) ENGINE = ReplacingMergeTree(last_seen)
ORDER BY (environment, model, response_model);

-- How far each detector has scanned the spans (latest row per detector wins).
CREATE TABLE IF NOT EXISTS change_scan_state (
    detector String,
    scanned_to DateTime64(3),
    updated_at DateTime64(3)
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY detector;
