-- Drafts: the editable state of a prompt, one per prompt and author. Append-only like deployment_events: every
-- autosave, discard and publish (save as a version) is a row, numbered per prompt and author by `revision`; the
-- current state of a draft is its row with the highest revision (a draft exists while that row is a `save`).
-- `content` is the JSON of the draft's snapshot fields (it may still be incomplete: no model, no message yet).
-- `base_version` is the version the draft started from, `published_version` the version a publish created or
-- returned (0: none).
CREATE TABLE IF NOT EXISTS prompt_draft_events (
    prompt String,
    author String,
    revision UInt32,
    kind LowCardinality(String),
    content String,
    commit_message String,
    base_version UInt32,
    published_version UInt32,
    time DateTime64(3)
) ENGINE = MergeTree
ORDER BY (prompt, author, revision);
