-- Targeting rules: one row per revision of a lane's rule list (JSON), never updated; the highest revision of a prompt
-- and environment is in effect. `actor` and `reason` make it an audit trail like the deployment history.
CREATE TABLE IF NOT EXISTS targeting_rules (
    id String,
    prompt String,
    environment LowCardinality(String),
    revision UInt32,
    rules String,
    actor String,
    reason String,
    time DateTime64(3)
) ENGINE = MergeTree
ORDER BY (prompt, environment, revision, id);

-- The arm a runtime client served a request from (`stable`, `canary`, `rule:<name>`, `test:<name>`), as the clients
-- tag it on the span: computed when a span is stored, so analyses can split by it without reading the attributes.
ALTER TABLE otel_traces ADD COLUMN IF NOT EXISTS PromptArm LowCardinality(String)
    MATERIALIZED substring(SpanAttributes['tracelane.prompt.arm'], 1, 200);
