import type { Store } from '../store/store.js';
import type { Alert, AlertFacts, AlertSource, AlertStatus, AlertStep } from './alert-types.js';

/**
 * alert_events: the append-only life of every alert. An alert's current state is its step with the highest seq;
 * nothing here updates or deletes.
 */
interface StepRow {
  alert_id: string;
  seq: number;
  time: string;
  kind: string;
  status: string;
  level: string;
  source: string;
  monitor_id: string;
  deployment_id: string;
  environment: string;
  prompt: string;
  model: string;
  dedup_key: string;
  title: string;
  summary: string;
  facts: string;
  actor: string;
  note: string;
}

const COLUMNS = [
  'seq',
  'time',
  'kind',
  'status',
  'level',
  'source',
  'monitor_id',
  'deployment_id',
  'environment',
  'prompt',
  'model',
  'dedup_key',
  'title',
  'summary',
  'facts',
  'actor',
  'note',
] as const;

function stepFromRow(r: StepRow): AlertStep {
  return {
    alertId: r.alert_id,
    seq: r.seq,
    time: r.time,
    kind: r.kind as AlertStep['kind'],
    status: r.status as AlertStatus,
    level: r.level as AlertStep['level'],
    source: r.source as AlertSource,
    monitorId: r.monitor_id,
    deploymentId: r.deployment_id,
    scope: { environment: r.environment, prompt: r.prompt, model: r.model },
    dedupKey: r.dedup_key,
    title: r.title,
    summary: r.summary,
    facts: r.facts === '' ? null : (JSON.parse(r.facts) as AlertFacts),
    actor: r.actor,
    note: r.note,
  };
}

export async function appendStep(store: Store, step: AlertStep): Promise<void> {
  const row: StepRow = {
    alert_id: step.alertId,
    seq: step.seq,
    time: step.time,
    kind: step.kind,
    status: step.status,
    level: step.level,
    source: step.source,
    monitor_id: step.monitorId,
    deployment_id: step.deploymentId,
    environment: step.scope.environment,
    prompt: step.scope.prompt,
    model: step.scope.model,
    dedup_key: step.dedupKey,
    title: step.title,
    summary: step.summary,
    facts: step.facts ? JSON.stringify(step.facts) : '',
    actor: step.actor,
    note: step.note,
  };
  await store.insert('alert_events', [row]);
}

/** Every step of one alert, oldest first. */
export async function stepsOf(store: Store, alertId: string): Promise<AlertStep[]> {
  const rows = await store.query<StepRow>(
    `SELECT alert_id, ${COLUMNS.join(', ')} FROM alert_events WHERE alert_id = {alertId:String} ORDER BY seq`,
    { alertId },
  );
  return rows.map(stepFromRow);
}

export interface AlertFilter {
  /** `open`: firing or acknowledged. */
  status?: AlertStatus | 'open' | undefined;
  source?: AlertSource | undefined;
  monitorId?: string | undefined;
  deploymentId?: string | undefined;
  environment?: string | undefined;
  prompt?: string | undefined;
  alertId?: string | undefined;
  limit: number;
}

// A step's source, subject and scope never change within an alert, so they filter before grouping.
const LIST_SQL = `
  SELECT alert_id,
    ${COLUMNS.map((c) => `argMax(${c}, seq) AS cur_${c}`).join(',\n    ')},
    min(time) AS fired_at,
    maxIf(time, kind IN ('fired', 'level_changed', 'renotified')) AS last_notified_at
  FROM alert_events
  WHERE ({alertId:String} = '' OR alert_id = {alertId:String})
    AND ({source:String} = '' OR source = {source:String})
    AND ({monitorId:String} = '' OR monitor_id = {monitorId:String})
    AND ({deploymentId:String} = '' OR deployment_id = {deploymentId:String})
    AND ({environment:String} = '' OR environment = {environment:String})
    AND ({prompt:String} = '' OR prompt = {prompt:String})
  GROUP BY alert_id
  HAVING {status:String} = '' OR cur_status = {status:String}
    OR ({status:String} = 'open' AND cur_status != 'resolved')
  ORDER BY cur_status = 'resolved', cur_level = 'warning', cur_time DESC, alert_id
  LIMIT {limit:UInt32}`;

type ListRow = { alert_id: string; fired_at: string; last_notified_at: string } & {
  [K in (typeof COLUMNS)[number] as `cur_${K}`]: StepRow[K];
};

/** Alerts in their current state: open ones first, critical before warning, then the latest change first. */
export async function listAlerts(store: Store, filter: AlertFilter): Promise<Alert[]> {
  const rows = await store.query<ListRow>(LIST_SQL, {
    alertId: filter.alertId ?? '',
    status: filter.status ?? '',
    source: filter.source ?? '',
    monitorId: filter.monitorId ?? '',
    deploymentId: filter.deploymentId ?? '',
    environment: filter.environment ?? '',
    prompt: filter.prompt ?? '',
    limit: filter.limit,
  });
  return rows.map((r) => {
    const step = Object.fromEntries(COLUMNS.map((c) => [c, r[`cur_${c}`]])) as Omit<StepRow, 'alert_id'>;
    return {
      ...stepFromRow({ alert_id: r.alert_id, ...step }),
      firedAt: r.fired_at,
      lastNotifiedAt: r.last_notified_at,
    };
  });
}

export async function findAlert(store: Store, alertId: string): Promise<Alert | undefined> {
  return (await listAlerts(store, { alertId, limit: 1 }))[0];
}
