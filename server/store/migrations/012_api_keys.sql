-- API keys managed through the API (in addition to the API_KEYS configuration). Only the SHA-256 of the secret is
-- stored. Revoking writes a newer row with revoked_at set; the latest row per id wins (read with FINAL).
CREATE TABLE IF NOT EXISTS api_keys (
    id String,
    name String,
    role LowCardinality(String),
    secret_sha256 String,
    created_at DateTime64(3),
    created_by String,
    revoked_at Nullable(DateTime64(3)),
    revoked_by String,
    updated_at DateTime64(3)
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY id;
