-- Every deployment event records what allowed it (lane-authorization.ts): review, unprotected, restore,
-- reviewed_canary or admin ('' for events recorded before). A review request may also be for an external
-- deployment, which changes what an environment serves like a deploy does: its time and reported actor are kept.
ALTER TABLE deployment_events ADD COLUMN IF NOT EXISTS authorization LowCardinality(String) DEFAULT '';
ALTER TABLE deployment_requests ADD COLUMN IF NOT EXISTS kind LowCardinality(String) DEFAULT 'deploy';
ALTER TABLE deployment_requests ADD COLUMN IF NOT EXISTS external_time Nullable(DateTime64(3));
ALTER TABLE deployment_requests ADD COLUMN IF NOT EXISTS external_actor String DEFAULT '';
