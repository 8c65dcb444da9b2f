-- One row per run of the Tracelane server: written when it starts, written again (stopped_at set) when it stops
-- cleanly; the latest row per id wins. A run whose row never got stopped_at ended without a clean shutdown (a crash,
-- kill -9), so the next start checks the per-minute rollups against the raw rows (rollup-repair.ts).
CREATE TABLE IF NOT EXISTS server_runs (
    id String,
    started_at DateTime64(3),
    stopped_at Nullable(DateTime64(3)),
    updated_at DateTime64(3)
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY id;
