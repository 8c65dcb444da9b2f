-- The audit trail of environment settings: one row per change of an environment (created, order, primary flag,
-- protection, policies), never updated. `changes` is a JSON array of {field, from, to}; `actor` is the API key.
CREATE TABLE IF NOT EXISTS environment_changes (
    id String,
    environment String,
    time DateTime64(3),
    actor String,
    action LowCardinality(String),
    changes String
) ENGINE = MergeTree
ORDER BY (environment, time, id);
