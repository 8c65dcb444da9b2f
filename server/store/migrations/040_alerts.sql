-- Alerts: notification channels, monitors, the append-only life of every alert and the log of its notifications.
-- Channels and monitors are never updated in place: a change inserts the whole row again and deleting inserts it
-- with deleted = 1 (the latest row per id wins, read with FINAL).

-- `settings` is the JSON of the channel's type and holds its secrets (Slack URL, PagerDuty routing key, webhook
-- secret): the API never returns them. `deployment_alerts`: the lowest level of deployment verdict alerts it gets.
CREATE TABLE IF NOT EXISTS alert_channels (
    id String,
    name String,
    type LowCardinality(String),
    settings String,
    deployment_alerts LowCardinality(String),
    created_at DateTime64(3),
    created_by String,
    deleted UInt8,
    updated_at DateTime64(3),
    updated_by String
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY id;

-- `spec` is the monitor's JSON: metric, scope, condition, levels, minimum sample, no-data handling, re-notify
-- interval, mute, routing.
CREATE TABLE IF NOT EXISTS monitors (
    id String,
    name String,
    spec String,
    created_at DateTime64(3),
    created_by String,
    deleted UInt8,
    updated_at DateTime64(3),
    updated_by String
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY id;

-- One row per step of an alert's life; its current state is the row with the highest seq. kind: fired |
-- level_changed | renotified | acknowledged | resolved; status after the step: firing | acknowledged | resolved.
-- `facts` is the JSON of the numbers behind the step (value, baseline, effect, n, test).
CREATE TABLE IF NOT EXISTS alert_events (
    alert_id String,
    seq UInt32,
    time DateTime64(3),
    kind LowCardinality(String),
    status LowCardinality(String),
    level LowCardinality(String),
    source LowCardinality(String),
    monitor_id String,
    deployment_id String,
    environment String,
    prompt String,
    model String,
    dedup_key String,
    title String,
    summary String,
    facts String,
    actor String,
    note String
) ENGINE = MergeTree
ORDER BY (alert_id, seq);

-- One row per notification state change: `queued` (with the message, so a restart resumes it), then one per attempt:
-- delivered | retrying | failed (given up) | dropped. `delivery_id` groups the rows of one message to one channel.
CREATE TABLE IF NOT EXISTS alert_deliveries (
    id String,
    delivery_id String,
    alert_id String,
    alert_seq UInt32,
    channel_id String,
    channel_type LowCardinality(String),
    attempt UInt16,
    time DateTime64(3),
    result LowCardinality(String),
    http_status Nullable(UInt16),
    error String,
    response_excerpt String,
    latency_ms UInt32,
    next_retry_at Nullable(DateTime64(3)),
    message String
) ENGINE = MergeTree
ORDER BY (alert_id, time, id)
TTL toDateTime(time) + toIntervalDay(30);
