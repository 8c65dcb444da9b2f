import { ALL_EVENTS, EVENT_TYPES } from '../events/event-types.js';
import {
  arrayOf,
  input,
  integer,
  json,
  jsonBody,
  nullable,
  object,
  pathParam,
  query,
  ref,
  string,
  taggedOperation,
  time,
  type Feature,
} from './openapi-helpers.js';

const tag = 'webhooks';
const op = taggedOperation(tag);
const role = 'admin';
const eventNames = { type: 'string', enum: [...EVENT_TYPES, ALL_EVENTS] };
const id = pathParam('id', 'Webhook id (`wh_…`).');

const webhookFields = {
  id: string('Webhook id (`wh_…`).'),
  url: string('Receiver URL (http or https).', { format: 'uri' }),
  events: arrayOf(eventNames, 'Subscribed event types; `*` is every type, including ones added later.'),
  description: string(),
  createdAt: time(),
  createdBy: string('Name of the API key that created it.'),
};

export const webhooksFeature: Feature = {
  tag: {
    name: tag,
    description: [
      'Subscriptions that receive product events by HTTP POST. Each delivery is the ProductEvent JSON with headers `Content-Type: application/json`, `X-Tracelane-Event: <type>`, `X-Tracelane-Delivery: <delivery id>` and `X-Tracelane-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.',
      'A 2xx answer within WEBHOOK_TIMEOUT_MS is success; anything else is retried with exponential backoff and jitter (WEBHOOK_RETRY_BASE_MS doubling up to WEBHOOK_RETRY_MAX_MS) up to WEBHOOK_MAX_ATTEMPTS attempts. Redirects are not followed.',
      'Deliveries wait in memory (bounded by WEBHOOK_QUEUE_PER_ENDPOINT and WEBHOOK_QUEUE_TOTAL; the oldest are dropped first, and each drop is in the delivery log); a restart loses the deliveries still pending. Every attempt is in the delivery log, kept 30 days.',
      'Receivers must be reachable public addresses: a URL whose host is, or resolves to, a loopback, private, link-local, cloud-metadata, unspecified, multicast or reserved address (in any spelling: decimal, hex, octal, IPv4-mapped IPv6, NAT64) is refused at creation (400) and at every delivery (checked when connecting, so DNS rebinding is refused too; logged as `refused: …` and not retried). OUTBOUND_ALLOWED_NETWORKS lists addresses or ranges for internal receivers. URLs with credentials (`user:password@`) are refused. At most WEBHOOK_MAX_COUNT webhooks exist at once (409 beyond).',
      'All webhook routes need the admin role: receiver URLs often embed credentials.',
    ].join('\n\n'),
  },
  schemas: {
    Webhook: object(webhookFields, [], 'A webhook subscription (its secret is shown only once, at creation).'),
    CreatedWebhook: object(
      { ...webhookFields, secret: string('The signing secret. Shown only in this response: store it now.') },
      [],
    ),
    WebhookDelivery: object({
      id: string('Id of this log row.'),
      webhookId: string(),
      deliveryId: string('Groups the attempts of one event to this webhook; sent as `X-Tracelane-Delivery`.'),
      eventId: string(),
      eventType: string(),
      attempt: integer('Attempt number, from 1 (for a drop: attempts made before it).'),
      time: time('When the attempt started (or the delivery was dropped).'),
      result: string(
        '`delivered` (2xx), `retrying` (failed; retried at `nextRetryAt`), `failed` (failed, given up), `dropped` (removed unsent from a full queue, or pending at shutdown).',
        { enum: ['delivered', 'retrying', 'failed', 'dropped'] },
      ),
      httpStatus: nullable(integer('The receiver’s HTTP status; null when no answer came.')),
      error: string(
        'Why the attempt failed (`receiver answered HTTP 500`, `no response within 10000 ms`, `ECONNREFUSED`, `refused: <host> resolves to 10.0.0.5, which is a private address; …`); empty on success.',
      ),
      responseExcerpt: string('The first 256 bytes of the receiver’s answer.'),
      latencyMs: integer('Duration of the attempt.'),
      nextRetryAt: nullable(time('When the next attempt is due (result `retrying`).')),
    }),
  },
  paths: {
    '/api/v1/webhooks': {
      post: op({
        role,
        id: 'createWebhook',
        summary: 'Subscribe a URL to events',
        body: jsonBody(
          input(
            {
              url: string('http(s) URL, at most 2048 characters.', { format: 'uri' }),
              events: arrayOf(eventNames, 'At least one event type, or `*`.'),
              secret: string('Signing secret, 16–256 characters; generated (`whsec_…`) when omitted.', {
                minLength: 16,
                maxLength: 256,
              }),
              description: string('At most 500 characters.', { maxLength: 500 }),
            },
            ['url', 'events'],
          ),
        ),
        responses: { 201: json('The subscription, with its signing secret (shown only here).', ref('CreatedWebhook')) },
        errors: [400, 409],
      }),
      get: op({
        role,
        id: 'listWebhooks',
        summary: 'List webhook subscriptions',
        responses: {
          200: json(
            'Every subscription, oldest first, without secrets.',
            object({ webhooks: arrayOf(ref('Webhook')) }),
          ),
        },
      }),
    },
    '/api/v1/webhooks/{id}': {
      delete: op({
        role,
        id: 'deleteWebhook',
        summary: 'Delete a webhook subscription',
        description: 'Its pending deliveries are cancelled; its delivery log is no longer served.',
        params: [id],
        responses: { 204: { description: 'Deleted.' } },
        errors: [404],
      }),
    },
    '/api/v1/webhooks/{id}/test': {
      post: op({
        role,
        id: 'testWebhook',
        summary: 'Send a test event to one webhook',
        description:
          'Queues a `webhook.test` event (`X-Tracelane-Event: webhook.test`) for this webhook only, delivered, signed, retried and logged like any event; find it in the delivery log by `deliveryId`.',
        params: [id],
        responses: {
          202: json(
            'Queued.',
            object({ eventId: string(), deliveryId: string(), type: string('', { enum: ['webhook.test'] }) }),
          ),
        },
        errors: [404],
      }),
    },
    '/api/v1/webhooks/{id}/deliveries': {
      get: op({
        role,
        id: 'listWebhookDeliveries',
        summary: 'Delivery log of a webhook, newest first',
        params: [id, query('limit', 'Rows, 1–1000 (default 100).', { type: 'integer', minimum: 1, maximum: 1000 })],
        responses: {
          200: json('Attempts and drops, newest first.', object({ deliveries: arrayOf(ref('WebhookDelivery')) })),
        },
        errors: [400, 404],
      }),
    },
  },
};
