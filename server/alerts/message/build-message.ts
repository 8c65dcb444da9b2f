import { describeChange } from '../../changes/change-text.js';
import { listChanges } from '../../changes/change-log.js';
import type { DeploymentEvent } from '../../registry/deployment-event.js';
import { laneEvents, listDeploymentEvents } from '../../registry/deployment-queries.js';
import type { Store } from '../../store/store.js';
import type { Alert } from '../alert-types.js';
import { RECENT_CHANGES_HOURS, type AlertMessage } from './alert-message.js';
import { alertLinks } from './links.js';

const MAX_RECENT = 8;
/** Kinds whose version a rollback would undo. */
const ROLLBACKABLE = new Set(['deploy', 'external', 'canary_start', 'canary_promote']);

/** Builds the message of an alert's latest step (`alert` as it is after the step). */
export async function buildMessage(store: Store, alert: Alert, publicUrl: string): Promise<AlertMessage> {
  const { environment, prompt } = alert.scope;
  const now = Date.parse(alert.time);
  const from = Math.min(Date.parse(alert.firedAt), now) - RECENT_CHANGES_HOURS * 3_600_000;
  const [deployments, changes, deployment] = await Promise.all([
    listDeploymentEvents(store, { environment, prompt, from, to: now + 1, limit: MAX_RECENT, offset: 0 }),
    listChanges(store, { environment, prompt, from, to: now + 1, limit: MAX_RECENT }),
    deploymentOf(store, alert),
  ]);
  const recentChanges = [
    ...deployments.map((d) => ({ time: d.time, text: deploymentText(d) })),
    ...changes.map((c) => ({ time: c.time, text: `${describeChange(c)} (${c.environment})` })),
  ]
    .sort((a, b) => b.time.localeCompare(a.time))
    .slice(0, MAX_RECENT);
  return {
    alertId: alert.alertId,
    dedupKey: alert.dedupKey,
    step: alert.kind,
    status: alert.status,
    level: alert.level,
    source: alert.source,
    title: alert.title,
    summary: alert.summary,
    time: alert.time,
    firedAt: alert.firedAt,
    scope: alert.scope,
    facts: alert.facts,
    deployment: deployment
      ? {
          id: deployment.id,
          version: deployment.version,
          previousVersion: deployment.previousVersion,
          time: deployment.time,
          actor: deployment.externalActor ?? deployment.actor,
        }
      : null,
    recentChanges,
    links: alertLinks(publicUrl, alert, deployment?.id ?? null),
    actor: alert.actor,
    note: alert.note,
  };
}

/** The alert's deployment; for a monitor on one lane, the deployment live there (if a rollback could undo it). */
async function deploymentOf(store: Store, alert: Alert): Promise<DeploymentEvent | undefined> {
  const { environment, prompt } = alert.scope;
  if (alert.deploymentId !== '') {
    const lane = await laneEvents(store, prompt, environment);
    return lane.find((e) => e.id === alert.deploymentId);
  }
  if (environment === '' || prompt === '') return undefined;
  const latest = (await laneEvents(store, prompt, environment)).at(-1);
  return latest && ROLLBACKABLE.has(latest.kind) ? latest : undefined;
}

function deploymentText(d: DeploymentEvent): string {
  const who = d.externalActor ?? d.actor;
  const from = d.previousVersion === null ? '' : ` (was v${d.previousVersion})`;
  const canary = d.kind === 'canary_start' && d.canaryPercent !== null ? ` at ${d.canaryPercent}%` : '';
  return `${d.prompt} v${d.version} ${d.kind.replace('_', ' ')}${canary} to ${d.environment}${from} by ${who}`;
}
