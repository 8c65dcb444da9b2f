import type { Store } from '../store/store.js';
import type { DatasetItem } from './dataset-item.js';

export interface Dataset {
  name: string;
  description: string;
  createdAt: string;
  createdBy: string;
  /** The latest version (0 before any item was added) and its item count. */
  version: number;
  items: number;
  updatedAt: string;
}

export interface DatasetVersion {
  version: number;
  message: string;
  itemsChanged: number;
  actor: string;
  createdAt: string;
}

/** Datasets with their latest version and item count, by name. */
export async function listDatasets(store: Store, names: readonly string[] = []): Promise<Dataset[]> {
  return store.query<Dataset>(
    `SELECT d.name AS name, d.description AS description, d.created_at AS createdAt, d.created_by AS createdBy,
            ifNull(v.latest, 0) AS version, ifNull(i.items, 0) AS items, greatest(d.updated_at, ifNull(v.at, d.updated_at)) AS updatedAt
     FROM (SELECT * FROM datasets FINAL WHERE empty({names:Array(String)}) OR has({names:Array(String)}, name)) AS d
     LEFT JOIN (SELECT dataset, max(version) AS latest, max(created_at) AS at FROM dataset_versions GROUP BY dataset) AS v
       ON v.dataset = d.name
     LEFT JOIN (
       SELECT dataset, countIf(is_deleted = 0) AS items FROM (
         SELECT dataset, item_id, argMax(deleted, version) AS is_deleted FROM dataset_items GROUP BY dataset, item_id)
       GROUP BY dataset) AS i
       ON i.dataset = d.name
     ORDER BY name
     SETTINGS join_use_nulls = 1`,
    { names },
  );
}

export async function findDataset(store: Store, name: string): Promise<Dataset | undefined> {
  return (await listDatasets(store, [name]))[0];
}

export async function listDatasetVersions(store: Store, dataset: string): Promise<DatasetVersion[]> {
  return store.query<DatasetVersion>(
    `SELECT version, message, items_changed AS itemsChanged, actor, created_at AS createdAt
     FROM dataset_versions FINAL WHERE dataset = {dataset:String} ORDER BY version DESC LIMIT 1000`,
    { dataset },
  );
}

interface ItemRow {
  item_id: string;
  item_version: number;
  item_input: string;
  item_expected: string;
  item_category: string;
  item_metadata: string;
  item_source: string;
  item_created_at: string;
}

/** The items of a dataset at a version (each item's latest row up to it, deletions left out), ordered by id. */
export async function itemsAt(store: Store, dataset: string, version: number): Promise<DatasetItem[]> {
  const rows = await store.query<ItemRow>(
    `SELECT item_id, max(version) AS item_version, argMax(deleted, version) AS is_deleted,
            argMax(input, version) AS item_input, argMax(expected, version) AS item_expected,
            argMax(category, version) AS item_category, argMax(metadata, version) AS item_metadata,
            argMax(source, version) AS item_source, argMax(created_at, version) AS item_created_at
     FROM dataset_items
     WHERE dataset = {dataset:String} AND version <= {version:UInt32}
     GROUP BY item_id
     HAVING is_deleted = 0
     ORDER BY item_id`,
    { dataset, version },
  );
  return rows.map((r) => ({
    id: r.item_id,
    input: JSON.parse(r.item_input) as Record<string, unknown>,
    expected: JSON.parse(r.item_expected) as unknown,
    category: r.item_category,
    metadata: JSON.parse(r.item_metadata) as Record<string, unknown>,
    source: r.item_source,
    version: r.item_version,
    createdAt: r.item_created_at,
  }));
}

export interface ItemWrite {
  id: string;
  deleted: boolean;
  input?: Record<string, unknown>;
  expected?: unknown;
  category?: string;
  metadata?: Record<string, unknown>;
  source: string;
}

/** Appends one dataset version with its item rows. */
export async function insertVersion(
  store: Store,
  dataset: string,
  version: DatasetVersion,
  writes: readonly ItemWrite[],
): Promise<void> {
  await store.insert(
    'dataset_items',
    writes.map((w) => ({
      dataset,
      item_id: w.id,
      version: version.version,
      deleted: w.deleted ? 1 : 0,
      input: JSON.stringify(w.input ?? {}),
      expected: JSON.stringify(w.expected ?? null),
      category: w.category ?? '',
      metadata: JSON.stringify(w.metadata ?? {}),
      source: w.source,
      created_at: version.createdAt,
    })),
  );
  await store.insert('dataset_versions', [
    {
      dataset,
      version: version.version,
      message: version.message,
      items_changed: version.itemsChanged,
      actor: version.actor,
      created_at: version.createdAt,
    },
  ]);
}

export async function insertDataset(
  store: Store,
  d: { name: string; description: string; createdAt: string; createdBy: string },
) {
  await store.insert('datasets', [
    {
      name: d.name,
      description: d.description,
      created_at: d.createdAt,
      created_by: d.createdBy,
      updated_at: d.createdAt,
    },
  ]);
}
