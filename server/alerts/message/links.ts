import type { Alert } from '../alert-types.js';
import type { AlertMessage } from './alert-message.js';

const HOUR = 3_600_000;
const enc = encodeURIComponent;

/**
 * Links into the UI (see web/src/lib/route.ts): the alert on the Alerts page, the on-call view of its lane around
 * the time it fired (absolute, so the link shows the same thing later), and that view with the rollback dialog of
 * the deployment open.
 */
export function alertLinks(publicUrl: string, alert: Alert, deploymentId: string | null): AlertMessage['links'] {
  const base = publicUrl.replace(/\/+$/, '');
  const alertLink = `${base}/alerts?alert=${enc(alert.alertId)}`;
  const { environment, prompt } = alert.scope;
  if (environment === '' || prompt === '') return { alert: alertLink, oncall: null, rollback: null };
  const fired = Date.parse(alert.firedAt);
  const to = Math.max(fired + HOUR, Date.parse(alert.time) + HOUR / 4);
  const range = `from=${enc(new Date(fired - 3 * HOUR).toISOString())}&to=${enc(new Date(to).toISOString())}`;
  const oncall = `${base}/prompts/${enc(prompt)}/environments/${enc(environment)}?${range}`;
  return {
    alert: alertLink,
    oncall: deploymentId ? `${oncall}&deployment=${enc(deploymentId)}` : oncall,
    rollback: deploymentId ? `${oncall}&deployment=${enc(deploymentId)}&rollback=1` : null,
  };
}
