-- Named evaluators: each produces the score of its name in [0, 1]. `config` is the JSON of its type's settings.
-- Latest row per name wins; deleting writes a row with deleted = 1. Runs copy the definitions they use.
CREATE TABLE IF NOT EXISTS evaluators (
    name String,
    type LowCardinality(String),
    config String,
    description String,
    created_at DateTime64(3),
    created_by String,
    deleted UInt8,
    updated_at DateTime64(3)
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY name;
