-- Webhook subscriptions and their delivery log.
-- A subscription is never updated in place: deleting one inserts its row again with deleted = 1 (latest row wins).
-- `secret` signs every delivery (HMAC-SHA256), so it is stored as given; the API shows it only once, at creation.
CREATE TABLE IF NOT EXISTS webhooks (
    id String,
    url String,
    events Array(String),
    description String,
    secret String,
    created_at DateTime64(3),
    created_by String,
    deleted UInt8,
    updated_at DateTime64(3)
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY id;

-- One row per delivery attempt, and one per delivery dropped from a full queue. `delivery_id` groups the attempts
-- of one event to one webhook. result: delivered | retrying | failed (given up) | dropped. `response_excerpt` keeps
-- the start of the receiver's answer (e.g. its reason for refusing a signature).
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id String,
    webhook_id String,
    delivery_id String,
    event_id String,
    event_type LowCardinality(String),
    attempt UInt16,
    time DateTime64(3),
    result LowCardinality(String),
    http_status Nullable(UInt16),
    error String,
    response_excerpt String,
    latency_ms UInt32,
    next_retry_at Nullable(DateTime64(3))
) ENGINE = MergeTree
ORDER BY (webhook_id, time, id)
TTL toDateTime(time) + toIntervalDay(30);
