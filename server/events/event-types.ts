/**
 * The public event types, as delivered on `GET /api/v1/events` and to webhooks. Webhook subscriptions name some
 * of these (or `*` for all); an unknown name is rejected so a typo cannot silently subscribe to nothing.
 */
export const EVENT_TYPES = [
  'deployment.created',
  'deployment_request.created',
  'deployment_request.approved',
  'deployment_request.rejected',
  'regression.detected',
  'analysis.updated',
  'alert.firing',
  'alert.acknowledged',
  'alert.resolved',
  'change.detected',
  'experiment.started',
  'experiment.progress',
  'experiment.finished',
  'draft.saved',
  'draft.discarded',
  'draft.published',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Subscribes to every event type, including ones added later. */
export const ALL_EVENTS = '*';

export function isEventType(name: string): name is EventType {
  return (EVENT_TYPES as readonly string[]).includes(name);
}
