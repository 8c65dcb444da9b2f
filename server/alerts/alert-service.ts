import { randomUUID } from 'node:crypto';
import type { EventBus } from '../events/event-bus.js';
import { conflict, notFound } from '../http/errors.js';
import type { Logger } from '../log.js';
import { KeyedMutex } from '../registry/keyed-mutex.js';
import type { Store } from '../store/store.js';
import { appendStep, findAlert, listAlerts } from './alert-log.js';
import { decideManualStep, type StepDecision } from './alert-transitions.js';
import type { Alert, AlertFacts, AlertLevel, AlertScope, AlertSource } from './alert-types.js';
import { findChannel, type ChannelWithSettings } from './channels/channel-table.js';
import type { AlertDispatcher } from './delivery/alert-dispatcher.js';
import { channelsNotified } from './delivery/delivery-log.js';
import { buildMessage } from './message/build-message.js';
import { alertEventType } from './transports/webhook-transport.js';

/** What an alert is about: a monitor, or a deployment. One subject has at most one open alert. */
export interface Subject {
  source: AlertSource;
  monitorId: string;
  deploymentId: string;
  scope: AlertScope;
}

/** A step to take, with the alert's text and numbers as of this step. */
export interface StepDraft {
  decision: StepDecision;
  title: string;
  summary: string;
  facts: AlertFacts | null;
  actor: string;
}

export interface Routing {
  /** The channels a firing step of this level goes to. */
  channelsFor(level: AlertLevel): Promise<ChannelWithSettings[]>;
  /** Notifications held back (a muted monitor): the step is recorded and published, nothing is sent. */
  muted: boolean;
}

export interface AlertService {
  /** Under the subject's lock: reads its current alert, lets `decide` choose a step, records and announces it. */
  step(
    subject: Subject,
    decide: (current: Alert | undefined) => StepDraft | null,
    routing: Routing,
  ): Promise<Alert | null>;
  acknowledge(alertId: string, actor: string, note: string): Promise<Alert>;
  resolve(alertId: string, actor: string, note: string): Promise<Alert>;
}

const subjectKey = (s: Pick<Subject, 'source' | 'monitorId' | 'deploymentId'>) =>
  s.source === 'monitor' ? `monitor:${s.monitorId}` : `deployment:${s.deploymentId}`;

export function createAlertService(deps: {
  store: Store;
  bus: EventBus;
  log: Logger;
  dispatcher: AlertDispatcher;
  publicUrl: () => string;
}): AlertService {
  const { store } = deps;
  const locks = new KeyedMutex();

  /** The subject's open alert, else its latest one (a deployment alert resolved by hand stays resolved). */
  async function current(subject: Subject): Promise<Alert | undefined> {
    const alerts = await listAlerts(store, {
      source: subject.source,
      ...(subject.source === 'monitor' ? { monitorId: subject.monitorId } : { deploymentId: subject.deploymentId }),
      limit: 1000,
    });
    return alerts.find((a) => a.status !== 'resolved') ?? alerts.sort((a, b) => b.firedAt.localeCompare(a.firedAt))[0];
  }

  async function record(subject: Subject, previous: Alert | undefined, draft: StepDraft): Promise<Alert> {
    const { decision } = draft;
    const fresh = decision.kind === 'fired';
    const alertId = fresh || !previous ? `alt_${randomUUID()}` : previous.alertId;
    const time = new Date().toISOString();
    const step = {
      alertId,
      seq: fresh || !previous ? 1 : previous.seq + 1,
      time,
      kind: decision.kind,
      status: decision.status,
      level: decision.level,
      source: subject.source,
      monitorId: subject.monitorId,
      deploymentId: subject.deploymentId,
      scope: subject.scope,
      dedupKey: fresh || !previous ? `tracelane-${alertId}` : previous.dedupKey,
      title: draft.title,
      summary: draft.summary,
      facts: draft.facts,
      actor: draft.actor,
      note: decision.note,
    };
    await appendStep(store, step);
    const notifies = decision.kind === 'fired' || decision.kind === 'level_changed' || decision.kind === 'renotified';
    return {
      ...step,
      firedAt: fresh || !previous ? time : previous.firedAt,
      lastNotifiedAt: notifies ? time : (previous?.lastNotifiedAt ?? time),
    };
  }

  /** Publishes the step (event stream, webhook subscriptions) and hands its message to the channels. */
  async function announce(alert: Alert, routing: Routing): Promise<void> {
    const message = await buildMessage(store, alert, deps.publicUrl());
    deps.bus.publish(alertEventType(message), { ...message, muted: routing.muted });
    if (routing.muted) return;
    const channels =
      alert.kind === 'acknowledged' || alert.kind === 'resolved'
        ? await channelsByIds(await channelsNotified(store, alert.alertId))
        : await routing.channelsFor(alert.level);
    await deps.dispatcher.enqueue(message, alert.seq, channels);
  }

  async function channelsByIds(ids: readonly string[]): Promise<ChannelWithSettings[]> {
    const found = await Promise.all(ids.map((id) => findChannel(store, id)));
    return found.filter((c): c is ChannelWithSettings => c !== undefined);
  }

  async function manual(alertId: string, action: 'acknowledge' | 'resolve', actor: string, note: string) {
    const found = await findAlert(store, alertId);
    if (!found) throw notFound(`no alert with id "${alertId}"`, 'id');
    return locks.run(subjectKey(found), async () => {
      const alert = (await findAlert(store, alertId)) as Alert;
      const decision = decideManualStep(alert, action, note);
      if ('refused' in decision) throw conflict(decision.refused, 'status', { alert });
      const draft = { decision, title: alert.title, summary: alert.summary, facts: alert.facts, actor };
      const next = await record({ ...alert }, alert, draft);
      await announce(next, { channelsFor: () => Promise.resolve([]), muted: false });
      return next;
    });
  }

  return {
    step: (subject, decide, routing) =>
      locks.run(subjectKey(subject), async () => {
        const previous = await current(subject);
        const draft = decide(previous);
        if (!draft) return null;
        const open = previous?.status === 'resolved' ? undefined : previous;
        const alert = await record(subject, draft.decision.kind === 'fired' ? undefined : open, draft);
        await announce(alert, routing).catch((err: unknown) =>
          deps.log.error('alerts: announcing a step failed', { alert: alert.alertId, error: String(err) }),
        );
        return alert;
      }),
    acknowledge: (alertId, actor, note) => manual(alertId, 'acknowledge', actor, note),
    resolve: (alertId, actor, note) => manual(alertId, 'resolve', actor, note),
  };
}
