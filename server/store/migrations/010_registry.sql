-- Registry: prompts, their immutable versions, environments (release lanes) and the append-only deployment history.
-- The current state of an environment is derived from deployment_events, never stored separately.

CREATE TABLE IF NOT EXISTS prompts (
    name String,
    description String,
    created_at DateTime64(3),
    created_by String,
    updated_at DateTime64(3)
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY name;

-- One row per version, never updated or deleted. `snapshot` is the JSON of what reproduces the prompt
-- (provider, model, settings, messages, variables, tools, response schema, MCP servers, metadata).
CREATE TABLE IF NOT EXISTS prompt_versions (
    prompt String,
    version UInt32,
    id String,
    snapshot String,
    content_hash String,
    commit_message String,
    author String,
    created_at DateTime64(3)
) ENGINE = ReplacingMergeTree
ORDER BY (prompt, version);

-- Environments: display order, primary flag, review protection and policies (JSON: auto-rollback, canary and
-- detector settings). Latest row per name wins.
CREATE TABLE IF NOT EXISTS environments (
    name String,
    display_order Int32,
    is_primary UInt8,
    protected UInt8,
    policies String,
    updated_at DateTime64(3)
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY name;

-- Append-only deployment history. kind: deploy | rollback | canary_start | canary_promote | canary_abort | external.
-- `version` is the version that is live (stable) after the event, except for canary_start, where it is the
-- candidate receiving `canary_percent` of traffic while `previous_version` stays stable.
CREATE TABLE IF NOT EXISTS deployment_events (
    id String,
    time DateTime64(3),
    environment LowCardinality(String),
    prompt String,
    version UInt32,
    previous_version Nullable(UInt32),
    kind LowCardinality(String),
    canary_percent Nullable(Float64),
    actor String,
    reason String,
    recorded_at DateTime64(3)
) ENGINE = MergeTree
ORDER BY (prompt, environment, time, id);
