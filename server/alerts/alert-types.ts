/** The words of the alerts feature, shared by its modules and mirrored in the web UI's api-types. */

export const ALERT_LEVELS = ['warning', 'critical'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

export type AlertStatus = 'firing' | 'acknowledged' | 'resolved';

/** One step of an alert's life: what happened, and the status it leaves the alert in. */
export type AlertStepKind = 'fired' | 'level_changed' | 'renotified' | 'acknowledged' | 'resolved';

/** What raised the alert: a monitor, or a deployment's verdict (no configuration needed). */
export type AlertSource = 'monitor' | 'deployment';

/** The numbers behind a step, formatted once so that every channel shows the same text. */
export interface AlertFacts {
  /** `latency_p95`, `score:helpfulness`, `requests`, … */
  metric: string;
  label: string;
  /** The value now, in the metric's unit (`1.24 s`, `3.1%`). */
  current: string;
  /** The value it is compared with: the reference window's (change condition), else null. */
  baseline: string | null;
  /** `×1.62`, `+3.1 pp`, `−0.06`; null for a threshold condition. */
  effect: string | null;
  /** The threshold crossed (or the one watched, when nothing is). */
  threshold: string | null;
  /** Requests (or values) behind `current` and `baseline`. */
  n: { current: number; baseline: number | null };
  /** The test that decided significance and its p-value (change conditions and deployment verdicts). */
  test: string | null;
  pValue: number | null;
  /** The windows compared, ISO-8601. */
  window: { from: string; to: string };
  reference: { from: string; to: string } | null;
  /** One sentence with the numbers, e.g. "p95 latency 812 ms → 1.24 s (×1.53), p=0.0003, fail threshold ×1.5". */
  reason: string;
}

export interface AlertScope {
  /** '' means every environment (prompt, model) */
  environment: string;
  prompt: string;
  model: string;
}

/** A row of alert_events, as the API returns it. */
export interface AlertStep {
  alertId: string;
  seq: number;
  time: string;
  kind: AlertStepKind;
  status: AlertStatus;
  level: AlertLevel;
  source: AlertSource;
  monitorId: string;
  deploymentId: string;
  scope: AlertScope;
  /** PagerDuty's dedup_key and every channel's thread key: the same for every step of one alert. */
  dedupKey: string;
  title: string;
  summary: string;
  facts: AlertFacts | null;
  actor: string;
  note: string;
}

/** An alert's current state: its latest step (`time` is when it happened), when it fired and last notified. */
export interface Alert extends AlertStep {
  firedAt: string;
  lastNotifiedAt: string;
}

export const SYSTEM_ACTOR = 'tracelane';
