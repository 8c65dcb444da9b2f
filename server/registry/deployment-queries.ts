import type { Store } from '../store/store.js';
import {
  DEPLOYMENT_EVENT_COLUMNS,
  eventFromRow,
  rowFromEvent,
  type DeploymentEvent,
  type DeploymentEventRow,
  type DeploymentKind,
} from './deployment-event.js';

/** Reads and appends deployment events. The table is append-only: nothing here updates or deletes. */

export async function insertDeploymentEvent(store: Store, event: DeploymentEvent): Promise<void> {
  await store.insert('deployment_events', [rowFromEvent(event)]);
}

/** All events of one prompt (optionally one environment), in replay order (oldest first). */
export async function laneEvents(store: Store, prompt: string, environment?: string): Promise<DeploymentEvent[]> {
  const rows = await store.query<DeploymentEventRow>(
    `SELECT ${DEPLOYMENT_EVENT_COLUMNS} FROM deployment_events
     WHERE prompt = {prompt:String} AND ({environment:String} = '' OR environment = {environment:String})
     ORDER BY time, recorded_at, id`,
    { prompt, environment: environment ?? '' },
  );
  return rows.map(eventFromRow);
}

/** All events of several prompts, in replay order. */
export async function eventsOfPrompts(store: Store, prompts: readonly string[]): Promise<DeploymentEvent[]> {
  if (prompts.length === 0) return [];
  const rows = await store.query<DeploymentEventRow>(
    `SELECT ${DEPLOYMENT_EVENT_COLUMNS} FROM deployment_events
     WHERE prompt IN {prompts:Array(String)} ORDER BY time, recorded_at, id`,
    { prompts },
  );
  return rows.map(eventFromRow);
}

export async function findDeploymentEvent(store: Store, id: string): Promise<DeploymentEvent | undefined> {
  const rows = await store.query<DeploymentEventRow>(
    `SELECT ${DEPLOYMENT_EVENT_COLUMNS} FROM deployment_events WHERE id = {id:String} LIMIT 1`,
    { id },
  );
  return rows[0] && eventFromRow(rows[0]);
}

export interface DeploymentFilter {
  prompt?: string;
  environment?: string;
  kind?: DeploymentKind;
  /** Epoch milliseconds, inclusive. */
  from?: number;
  /** Epoch milliseconds, exclusive. */
  to?: number;
  limit: number;
  offset: number;
}

/** The audit trail, newest first. */
export async function listDeploymentEvents(store: Store, filter: DeploymentFilter): Promise<DeploymentEvent[]> {
  const rows = await store.query<DeploymentEventRow>(
    `SELECT ${DEPLOYMENT_EVENT_COLUMNS} FROM deployment_events
     WHERE ({prompt:String} = '' OR prompt = {prompt:String})
       AND ({environment:String} = '' OR environment = {environment:String})
       AND ({kind:String} = '' OR kind = {kind:String})
       AND time >= fromUnixTimestamp64Milli({from:Int64})
       AND time < fromUnixTimestamp64Milli({to:Int64})
     ORDER BY time DESC, recorded_at DESC, id DESC
     LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
    {
      prompt: filter.prompt ?? '',
      environment: filter.environment ?? '',
      kind: filter.kind ?? '',
      from: filter.from ?? 0,
      to: filter.to ?? 4_102_444_800_000,
      limit: filter.limit,
      offset: filter.offset,
    },
  );
  return rows.map(eventFromRow);
}
