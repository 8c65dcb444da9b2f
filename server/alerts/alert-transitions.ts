import type { Alert, AlertFacts, AlertLevel, AlertStatus, AlertStepKind } from './alert-types.js';

/**
 * The rules of an alert's life, pure. A monitor's evaluation gives a level (or ok, or no data); with the open alert
 * of that monitor (if any) it decides the next step: fire, change level, remind, resolve — or nothing.
 *
 *   no open alert   + warning/critical           → fired (firing)
 *   open alert      + ok                         → resolved (condition cleared)
 *   open alert      + the other level            → level_changed; escalating to critical fires again (firing),
 *                                                   de-escalating keeps an acknowledgement
 *   firing alert    + same level, renotify due   → renotified (acknowledged alerts are never reminded)
 *   no data: `keep` changes nothing, `resolve` counts as ok, `alert` as warning.
 */
export type MonitorLevel = AlertLevel | 'ok' | 'no_data';
export type NoDataPolicy = 'keep' | 'resolve' | 'alert';

export interface MonitorOutcome {
  level: MonitorLevel;
  facts: AlertFacts;
}

export interface StepDecision {
  kind: AlertStepKind;
  status: AlertStatus;
  level: AlertLevel;
  note: string;
}

export interface RenotifyPolicy {
  noData: NoDataPolicy;
  /** 0: never remind. */
  renotifyMinutes: number;
}

export function decideMonitorStep(
  open: Alert | undefined,
  outcome: MonitorOutcome,
  policy: RenotifyPolicy,
  now: number,
): StepDecision | null {
  const level = effectiveLevel(outcome.level, policy.noData);
  if (level === 'keep') return null;
  if (!open) return level === 'ok' ? null : { kind: 'fired', status: 'firing', level, note: '' };
  if (level === 'ok') {
    const why = outcome.level === 'no_data' ? 'no data (the monitor resolves on no data)' : 'the condition cleared';
    return { kind: 'resolved', status: 'resolved', level: open.level, note: why };
  }
  if (level !== open.level) {
    const status = level === 'critical' ? 'firing' : open.status;
    return { kind: 'level_changed', status, level, note: `${open.level} → ${level}` };
  }
  const due = Date.parse(open.lastNotifiedAt) + policy.renotifyMinutes * 60_000;
  if (open.status === 'firing' && policy.renotifyMinutes > 0 && now >= due) {
    return { kind: 'renotified', status: 'firing', level, note: `still ${level} after ${policy.renotifyMinutes} min` };
  }
  return null;
}

function effectiveLevel(level: MonitorLevel, noData: NoDataPolicy): AlertLevel | 'ok' | 'keep' {
  if (level !== 'no_data') return level;
  return noData === 'alert' ? 'warning' : noData === 'resolve' ? 'ok' : 'keep';
}

/** A person acknowledges or resolves an alert: the step, or why it cannot be taken (the alert's state). */
export function decideManualStep(
  alert: Alert,
  action: 'acknowledge' | 'resolve',
  note: string,
): StepDecision | { refused: string } {
  if (alert.status === 'resolved') return { refused: `alert ${alert.alertId} is already resolved` };
  if (action === 'acknowledge') {
    if (alert.status === 'acknowledged') return { refused: `alert ${alert.alertId} is already acknowledged` };
    return { kind: 'acknowledged', status: 'acknowledged', level: alert.level, note };
  }
  return { kind: 'resolved', status: 'resolved', level: alert.level, note: note || 'resolved by hand' };
}
