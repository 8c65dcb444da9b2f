import { conflict, notFound } from '../http/errors.js';
import { nowIso } from '../registry/clock.js';
import { KeyedMutex } from '../registry/keyed-mutex.js';
import type { Store } from '../store/store.js';
import { newItemId, type NewItem } from './dataset-item.js';
import { findDataset, insertDataset, insertVersion, itemsAt, type Dataset, type ItemWrite } from './dataset-queries.js';

/** Version numbering is serialised per dataset (in this process, like the registry's). */
const lock = new KeyedMutex();

export async function createDataset(store: Store, name: string, description: string, actor: string): Promise<Dataset> {
  return lock.run(name, async () => {
    if (await findDataset(store, name)) throw conflict(`dataset "${name}" already exists`, 'name');
    await insertDataset(store, { name, description, createdAt: nowIso(), createdBy: actor });
    return (await findDataset(store, name))!;
  });
}

export async function requireDataset(store: Store, name: string, field = 'dataset'): Promise<Dataset> {
  const dataset = await findDataset(store, name);
  if (!dataset) throw notFound(`${field}: dataset "${name}" does not exist`, field);
  return dataset;
}

export type Change = { kind: 'upsert'; items: NewItem[]; source: string } | { kind: 'delete'; ids: string[] };

/**
 * Appends a version with the changed items; returns it. Items without an id get a new one; an upsert of an
 * existing id replaces that item. Deleting an id that is not in the dataset is a 404.
 */
export async function changeItems(
  store: Store,
  name: string,
  change: Change,
  actor: string,
  message: string,
): Promise<{ version: number; ids: string[] }> {
  return lock.run(name, async () => {
    const dataset = await requireDataset(store, name, 'name');
    const next = dataset.version + 1;
    let writes: ItemWrite[];
    if (change.kind === 'delete') {
      const present = new Set((await itemsAt(store, name, dataset.version)).map((i) => i.id));
      const missing = change.ids.find((id) => !present.has(id));
      if (missing !== undefined) throw notFound(`item "${missing}" is not in dataset "${name}"`, 'id');
      writes = change.ids.map((id) => ({ id, deleted: true, source: 'api' }));
    } else {
      writes = change.items.map((item) => ({
        ...item,
        id: item.id ?? newItemId(),
        deleted: false,
        source: change.source,
      }));
    }
    await insertVersion(
      store,
      name,
      { version: next, message, itemsChanged: writes.length, actor, createdAt: nowIso() },
      writes,
    );
    return { version: next, ids: writes.map((w) => w.id) };
  });
}
