import type { Store } from '../../store/store.js';
import type { MonitorInput } from './monitor-input.js';

/** A stored monitor: its definition (monitor-input.ts) and who made and last changed it. */
export interface Monitor extends MonitorInput {
  id: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

interface MonitorRow {
  id: string;
  spec: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

const COLUMNS = 'id, spec, created_at, created_by, updated_at, updated_by';

const fromRow = (r: MonitorRow): Monitor => ({
  id: r.id,
  ...(JSON.parse(r.spec) as MonitorInput),
  createdAt: r.created_at,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});

/** Creates, replaces or deletes (`deleted`) a monitor: its whole row again; the latest row of an id wins. */
export async function saveMonitor(store: Store, monitor: Monitor, deleted = false): Promise<void> {
  const { id, createdAt, createdBy, updatedAt, updatedBy, ...spec } = monitor;
  await store.insert('monitors', [
    {
      id,
      name: spec.name,
      spec: JSON.stringify(spec),
      created_at: createdAt,
      created_by: createdBy,
      deleted: deleted ? 1 : 0,
      updated_at: updatedAt,
      updated_by: updatedBy,
    },
  ]);
}

export async function listMonitors(store: Store): Promise<Monitor[]> {
  const rows = await store.query<MonitorRow>(
    `SELECT ${COLUMNS} FROM monitors FINAL WHERE deleted = 0 ORDER BY name, id`,
  );
  return rows.map(fromRow);
}

export async function findMonitor(store: Store, id: string): Promise<Monitor | undefined> {
  const rows = await store.query<MonitorRow>(
    `SELECT ${COLUMNS} FROM monitors FINAL WHERE id = {id:String} AND deleted = 0`,
    { id },
  );
  return rows[0] && fromRow(rows[0]);
}
