import type { Store } from '../store/store.js';
import { ALL_EVENTS } from '../events/event-types.js';

/** A webhook subscription as the API shows it (never with its secret, except once at creation). */
export interface Webhook {
  id: string;
  url: string;
  events: string[];
  description: string;
  createdAt: string;
  createdBy: string;
}

/** A subscription with the secret that signs its deliveries: for the dispatcher only. */
export interface WebhookTarget extends Webhook {
  secret: string;
}

interface WebhookRow {
  id: string;
  url: string;
  events: string[];
  description: string;
  secret: string;
  created_at: string;
  created_by: string;
}

const COLUMNS = 'id, url, events, description, secret, created_at, created_by';
const toTarget = (r: WebhookRow): WebhookTarget => ({
  id: r.id,
  url: r.url,
  events: r.events,
  description: r.description,
  createdAt: r.created_at,
  createdBy: r.created_by,
  secret: r.secret,
});

/** Drops the secret from a subscription before it leaves the server. */
export function publicWebhook({ secret: _secret, ...webhook }: WebhookTarget): Webhook {
  return webhook;
}

export async function insertWebhook(store: Store, webhook: WebhookTarget, deleted = false): Promise<void> {
  await store.insert('webhooks', [
    {
      id: webhook.id,
      url: webhook.url,
      events: webhook.events,
      description: webhook.description,
      secret: webhook.secret,
      created_at: webhook.createdAt,
      created_by: webhook.createdBy,
      deleted: deleted ? 1 : 0,
      updated_at: new Date().toISOString(),
    },
  ]);
}

/** Deletion is a new row marking the subscription deleted; the latest row of an id wins. */
export function deleteWebhook(store: Store, webhook: WebhookTarget): Promise<void> {
  return insertWebhook(store, webhook, true);
}

export async function listWebhooks(store: Store): Promise<WebhookTarget[]> {
  const rows = await store.query<WebhookRow>(
    `SELECT ${COLUMNS} FROM webhooks FINAL WHERE deleted = 0 ORDER BY created_at, id`,
  );
  return rows.map(toTarget);
}

export async function findWebhook(store: Store, id: string): Promise<WebhookTarget | undefined> {
  const rows = await store.query<WebhookRow>(
    `SELECT ${COLUMNS} FROM webhooks FINAL WHERE id = {id:String} AND deleted = 0`,
    { id },
  );
  return rows[0] && toTarget(rows[0]);
}

/** The live subscriptions that want events of `type`. */
export async function subscribersOf(store: Store, type: string): Promise<WebhookTarget[]> {
  const rows = await store.query<WebhookRow>(
    `SELECT ${COLUMNS} FROM webhooks FINAL
     WHERE deleted = 0 AND (has(events, {type:String}) OR has(events, {all:String}))`,
    { type, all: ALL_EVENTS },
  );
  return rows.map(toTarget);
}
