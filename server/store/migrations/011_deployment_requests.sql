-- Review requests for protected environments: a deployer's deploy becomes a pending request that another key
-- approves (which performs the deployment) or rejects. One row per state change; the latest row per id wins
-- (read with FINAL). The request row keeps who asked, who reviewed, the comment and the resulting deployment.
CREATE TABLE IF NOT EXISTS deployment_requests (
    id String,
    prompt String,
    environment String,
    version UInt32,
    canary_percent Nullable(Float64),
    reason String,
    status LowCardinality(String),
    requested_by String,
    requested_at DateTime64(3),
    reviewed_by String,
    review_comment String,
    reviewed_at Nullable(DateTime64(3)),
    deployment_id String,
    updated_at DateTime64(3)
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY id;
