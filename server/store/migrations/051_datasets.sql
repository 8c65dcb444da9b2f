-- Datasets: named, versioned lists of labelled items, append-only like the registry.
-- Every change (items added, edited, deleted, an import) appends one row to dataset_versions and one row per
-- touched item to dataset_items, stamped with that version; the dataset at version V is, per item id, its latest
-- row with version <= V unless that row is a deletion.
CREATE TABLE IF NOT EXISTS datasets (
    name String,
    description String,
    created_at DateTime64(3),
    created_by String,
    updated_at DateTime64(3)
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY name;

CREATE TABLE IF NOT EXISTS dataset_versions (
    dataset String,
    version UInt32,
    message String,
    items_changed UInt32,
    actor String,
    created_at DateTime64(3)
) ENGINE = ReplacingMergeTree
ORDER BY (dataset, version);

-- input: JSON object of the prompt's variables; expected: JSON (a string for free text, else any JSON value, null
-- for none); metadata: JSON object; source: how the item came (api, import, trace:<traceId>).
CREATE TABLE IF NOT EXISTS dataset_items (
    dataset String,
    item_id String,
    version UInt32,
    deleted UInt8,
    input String,
    expected String,
    category String,
    metadata String,
    source String,
    created_at DateTime64(3)
) ENGINE = ReplacingMergeTree
ORDER BY (dataset, item_id, version);
