-- A/B tests: append-only events per test (start with its definition, end or stop with the final result, ship with
-- the deployment of the winner); the current state of a test is derived from its events.
CREATE TABLE IF NOT EXISTS ab_test_events (
    id String,
    test_id String,
    prompt String,
    environment LowCardinality(String),
    name String,
    kind LowCardinality(String),
    definition String,
    result String,
    deployment_id String,
    actor String,
    reason String,
    time DateTime64(3)
) ENGINE = MergeTree
ORDER BY (prompt, environment, test_id, time, id);
