import type { Store } from '../store/store.js';

/**
 * Reads of the registry's append-only deployment history (deployment_events) that the analysis needs: the
 * events of one environment + prompt in a window (chart markers), one event by id, and the recent events that
 * may still be baking.
 */
export interface DeploymentEvent {
  id: string;
  /** ISO-8601 UTC. */
  time: string;
  environment: string;
  prompt: string;
  /** Live (stable) version after the event; for canary_start, the candidate. */
  version: number;
  previousVersion: number | null;
  kind: string;
  canaryPercent: number | null;
  actor: string;
  reason: string;
}

const COLUMNS = `id, time, environment, prompt, version, previous_version AS previousVersion, kind,
  canary_percent AS canaryPercent, actor, reason`;

/** Events of one environment + prompt in [from, to), oldest first. */
export function deploymentEventsInWindow(
  store: Store,
  environment: string,
  prompt: string,
  from: number,
  to: number,
): Promise<DeploymentEvent[]> {
  return store.query<DeploymentEvent>(
    `SELECT ${COLUMNS} FROM deployment_events
     WHERE prompt = {prompt:String} AND environment = {environment:String}
       AND time >= fromUnixTimestamp64Milli({from:Int64}) AND time < fromUnixTimestamp64Milli({to:Int64})
     ORDER BY time, id`,
    { environment, prompt, from, to },
  );
}

export async function deploymentEventById(store: Store, id: string): Promise<DeploymentEvent | undefined> {
  const rows = await store.query<DeploymentEvent>(
    `SELECT ${COLUMNS} FROM deployment_events WHERE id = {id:String} LIMIT 1`,
    {
      id,
    },
  );
  return rows[0];
}

/** The first event of the same environment + prompt after `event` (what ended its time as the live version). */
export async function nextDeploymentEvent(store: Store, event: DeploymentEvent): Promise<DeploymentEvent | undefined> {
  const rows = await store.query<DeploymentEvent>(
    `SELECT ${COLUMNS} FROM deployment_events
     WHERE prompt = {prompt:String} AND environment = {environment:String}
       AND (time > parseDateTime64BestEffort({time:String}, 3) OR (time = parseDateTime64BestEffort({time:String}, 3) AND id > {id:String}))
     ORDER BY time, id LIMIT 1`,
    { environment: event.environment, prompt: event.prompt, time: event.time, id: event.id },
  );
  return rows[0];
}

/** Events of the given kinds since `since` (epoch ms), across environments, oldest first. */
export function deploymentEventsSince(
  store: Store,
  since: number,
  kinds: readonly string[],
): Promise<DeploymentEvent[]> {
  return store.query<DeploymentEvent>(
    `SELECT ${COLUMNS} FROM deployment_events
     WHERE time >= fromUnixTimestamp64Milli({since:Int64}) AND kind IN {kinds:Array(String)}
     ORDER BY time, id`,
    { since, kinds },
  );
}
