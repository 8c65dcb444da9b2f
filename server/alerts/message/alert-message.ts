import type { AlertFacts, AlertLevel, AlertScope, AlertSource, AlertStatus, AlertStepKind } from '../alert-types.js';

/** How far back a message lists the deployments and unannounced changes in the alert's scope. */
export const RECENT_CHANGES_HOURS = 6;

/**
 * One notification, built once from an alert's step and rendered by each channel's transport (Slack blocks,
 * PagerDuty event, email, webhook JSON). It carries no secret, so it is stored with its queued deliveries and a
 * restart can resume them.
 */
export interface AlertMessage {
  alertId: string;
  dedupKey: string;
  /** `test`: a test message sent from the channel's settings. */
  step: AlertStepKind | 'test';
  status: AlertStatus;
  level: AlertLevel;
  source: AlertSource;
  title: string;
  summary: string;
  /** When this step happened, and when the alert first fired. ISO-8601. */
  time: string;
  firedAt: string;
  scope: AlertScope;
  facts: AlertFacts | null;
  /** The deployment the alert is about, or the one live in the scope's lane (what a rollback would undo). */
  deployment: { id: string; version: number; previousVersion: number | null; time: string; actor: string } | null;
  /** Deployments and unannounced changes in the scope in the hours before, newest first. */
  recentChanges: { time: string; text: string }[];
  links: {
    alert: string;
    /** The on-call view of the lane (environment and prompt known), around the alert's time. */
    oncall: string | null;
    /** The same view with the rollback dialog of `deployment` open. */
    rollback: string | null;
  };
  /** Who took the step (`tracelane` for automatic steps) and their note. */
  actor: string;
  note: string;
}

/** A scope for people: `support-triage in production, model gpt-4o-mini` ('' parts are "all"). */
export function describeScope(scope: AlertScope): string {
  const parts = [
    scope.prompt === '' ? 'every prompt' : scope.prompt,
    `in ${scope.environment === '' ? 'every environment' : scope.environment}`,
  ];
  if (scope.model !== '') parts.push(`on ${scope.model}`);
  return parts.join(' ');
}

/** The first words of every rendering: what happened to the alert. */
export function headline(m: Pick<AlertMessage, 'step' | 'level' | 'status'>): string {
  if (m.step === 'test') return 'Test';
  if (m.status === 'resolved') return 'Resolved';
  if (m.step === 'acknowledged') return 'Acknowledged';
  const level = m.level === 'critical' ? 'Critical' : 'Warning';
  if (m.step === 'renotified') return `Still ${level.toLowerCase()}`;
  return level;
}
