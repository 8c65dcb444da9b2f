-- Experiment runs: one prompt version over one dataset version through one connection, scored by evaluators.
-- Append-only state events; the latest event per run is its state (queued, running, completed, cancelled,
-- interrupted, failed). `spec` (JSON) is written with the `queued` event: prompt, version, dataset and its version,
-- connection, the evaluator definitions, the baseline run. Unfinished runs are resumed at start-up.
CREATE TABLE IF NOT EXISTS experiment_run_events (
    run_id String,
    seq UInt32,
    time DateTime64(3),
    state LowCardinality(String),
    prompt String,
    version UInt32,
    dataset String,
    dataset_version UInt32,
    baseline_run_id String,
    spec String,
    message String,
    actor String
) ENGINE = MergeTree
ORDER BY (run_id, seq);

-- One row per item of a run once it is finished (answered, or failed): the rendered input, the output, each
-- evaluator's score and reason (JSON), latency, tokens, cost and the trace of the calls. A resumed run skips the
-- items that already have a row.
CREATE TABLE IF NOT EXISTS experiment_results (
    run_id String,
    item_id String,
    category String,
    input String,
    expected String,
    output String,
    error String,
    scores String,
    latency_ms UInt32,
    input_tokens Nullable(UInt64),
    output_tokens Nullable(UInt64),
    cost_usd Nullable(Float64),
    trace_id String,
    finished_at DateTime64(3)
) ENGINE = ReplacingMergeTree(finished_at)
ORDER BY (run_id, item_id);
