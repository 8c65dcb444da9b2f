-- Model connections (admin-managed): how Tracelane reaches a model provider for experiments and judges.
-- kind: openai (chat completions, any compatible base URL) | anthropic (Messages). The secret is either named by
-- `secret_env` (read from the server's environment at call time) or stored in `secret_sealed`, encrypted with
-- AES-256-GCM under CONNECTION_SECRET_KEY; the API never returns either. Latest row per id wins; deleting writes a
-- row with deleted = 1.
CREATE TABLE IF NOT EXISTS model_connections (
    id String,
    name String,
    kind LowCardinality(String),
    base_url String,
    secret_env String,
    secret_sealed String,
    max_concurrency UInt16,
    requests_per_minute UInt32,
    timeout_ms UInt32,
    max_retries UInt8,
    description String,
    created_at DateTime64(3),
    created_by String,
    deleted UInt8,
    updated_at DateTime64(3)
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY id;
