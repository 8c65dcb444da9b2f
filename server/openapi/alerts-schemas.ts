import { CHANNEL_TYPES } from '../alerts/channels/channel-settings.js';
import {
  arrayOf,
  boolean,
  freeObject,
  integer,
  nullable,
  number,
  object,
  string,
  time,
  type Schema,
} from './openapi-helpers.js';

/** The alerting objects of the API: alerts and their steps, monitors, channels, deliveries. */
const level = string('`warning` or `critical`.', { enum: ['warning', 'critical'] });
const scope = object(
  {
    environment: string('Environment; empty: every environment.'),
    prompt: string('Prompt; empty: every prompt.'),
    model: string('Requested model; empty: every model.'),
  },
  [],
  'What a monitor (or alert) covers.',
);

const facts = object(
  {
    metric: string('`error_rate`, `latency_p95`, …, `requests` or `score:<name>`.'),
    label: string(),
    current: string('The value now, in the metric’s unit (`$0.00204`, `1240 ms`, `3.1%`).'),
    baseline: nullable(string('The reference window’s value (change conditions, deployment verdicts).')),
    effect: nullable(string('`×1.62`, `+3.1 pp`, `−0.06`.')),
    threshold: nullable(string('The level crossed, or the one watched.')),
    n: object({ current: integer(), baseline: nullable(integer()) }, [], 'Requests (or values) on each side.'),
    test: nullable(string('The test that decided significance.')),
    pValue: nullable(number()),
    window: object({ from: time(), to: time() }),
    reference: nullable(object({ from: time(), to: time() })),
    reason: string('One sentence with the numbers.'),
  },
  [],
  'The numbers behind an alert step.',
);

const stepFields = {
  alertId: string('`alt_…`'),
  seq: integer('Step number within the alert, from 1.'),
  time: time('When the step happened.'),
  kind: string('fired | level_changed | renotified | acknowledged | resolved.', {
    enum: ['fired', 'level_changed', 'renotified', 'acknowledged', 'resolved'],
  }),
  status: string('The status after the step.', { enum: ['firing', 'acknowledged', 'resolved'] }),
  level,
  source: string('`monitor`, or `deployment` (a failing or warning deployment verdict).', {
    enum: ['monitor', 'deployment'],
  }),
  monitorId: string('The monitor, for monitor alerts (else empty).'),
  deploymentId: string('The deployment, for verdict alerts (else empty).'),
  scope,
  dedupKey: string('The same for every step of one alert (PagerDuty’s dedup_key).'),
  title: string(),
  summary: string(),
  facts: nullable(facts),
  actor: string('Who took the step: `tracelane` for automatic steps, else the API key’s name.'),
  note: string('Why (`the condition cleared`, `replaced: rollback to v1 by alice`, a person’s note).'),
};

const condition: Schema = {
  oneOf: [
    object(
      {
        type: string(undefined, { const: 'threshold' }),
        op: string('`above` or `below`.', { enum: ['above', 'below'] }),
        warning: nullable(number('Value in the metric’s unit (error rate as a fraction, latency in ms, USD).')),
        critical: nullable(number()),
        windowMinutes: integer('1–10080.', { minimum: 1, maximum: 10_080 }),
      },
      ['warning', 'critical'],
      'The metric over the last window is above (below) a level.',
    ),
    object(
      {
        type: string(undefined, { const: 'change' }),
        warning: nullable(
          number(
            'Effect: a ratio for error rate, latency, cost, tokens (1.2 = +20%); a difference for quality and scores (−0.05). Default: the detector’s warn threshold.',
          ),
        ),
        critical: nullable(number('Default: the detector’s fail threshold.')),
        windowMinutes: integer('5–1440.', { minimum: 5, maximum: 1440 }),
        referenceMinutes: integer('60–43200 (default 10080, 7 days), read from the per-minute rollups.', {
          minimum: 60,
          maximum: 43_200,
        }),
        alpha: number('Significance level, default 0.01.', { exclusiveMinimum: 0, maximum: 0.2 }),
      },
      ['warning', 'critical', 'referenceMinutes', 'alpha'],
      'The metric over the last window against the reference window before it, with the deployment detector’s test and double condition (significant and past the level).',
    ),
  ],
};

const monitorFields = {
  name: string('1–200 characters.'),
  description: string(),
  metric: string(
    'error_rate, latency_p50, latency_p95, latency_p99, cost_per_request, input_tokens, output_tokens, quality, requests, or score:<name>.',
  ),
  scope,
  condition,
  minSamples: integer('Requests (or scored values) each window needs (default 100); fewer is “no data”.', {
    minimum: 1,
  }),
  noData: string('No data: `keep` the state (default), `resolve`, or `alert` (warning).', {
    enum: ['keep', 'resolve', 'alert'],
  }),
  renotifyMinutes: number('Remind a firing alert every so many minutes; 0 (default): never.', { minimum: 0 }),
  mutedUntil: nullable(time('Until then, steps are recorded and published but no channel is notified.')),
  notify: object(
    { warning: arrayOf(string(), 'Channel ids.'), critical: arrayOf(string(), 'Channel ids.') },
    [],
    'Channels per level.',
  ),
  enabled: boolean('Disabled monitors are not evaluated; their open alert resolves.'),
};

const channelFields = {
  id: string('`ch_…`'),
  name: string(),
  type: string(undefined, { enum: [...CHANNEL_TYPES] }),
  target: string('Where it sends, without secrets: the URL’s host, or the email addresses.'),
  deploymentAlerts: string('The lowest level of deployment verdict alerts it receives, or `off`.', {
    enum: ['warning', 'critical', 'off'],
  }),
  createdAt: time(),
  createdBy: string(),
  updatedAt: time(),
  updatedBy: string(),
};

export const ALERT_SCHEMAS: Record<string, Schema> = {
  AlertFacts: facts,
  AlertStep: object(stepFields),
  Alert: object({ ...stepFields, firedAt: time(), lastNotifiedAt: time() }, [], 'An alert in its current state.'),
  MonitorInput: {
    ...object(
      monitorFields,
      Object.keys(monitorFields).filter((k) => !['name', 'metric', 'condition'].includes(k)),
    ),
    additionalProperties: false,
  },
  Monitor: object(
    {
      id: string('`mon_…`'),
      ...monitorFields,
      createdAt: time(),
      createdBy: string(),
      updatedAt: time(),
      updatedBy: string(),
      state: nullable(
        object({
          evaluatedAt: time(),
          level: string(undefined, { enum: ['ok', 'warning', 'critical', 'no_data'] }),
          facts,
        }),
      ),
      openAlert: nullable(object({ alertId: string(), status: string(), level, firedAt: time() })),
    },
    [],
    'A monitor with its latest evaluation (null until the first pass after a start) and its open alert.',
  ),
  MonitorPreview: object({ level: string(undefined, { enum: ['ok', 'warning', 'critical', 'no_data'] }), facts }),
  AlertChannel: object(channelFields, [], 'A notification channel; its settings (secrets) are never returned.'),
  AlertDelivery: object({
    id: string(),
    deliveryId: string('Groups the rows of one message to one channel.'),
    alertId: string(),
    alertSeq: integer('The alert step notified.'),
    channelId: string(),
    channelType: string(),
    attempt: integer('0 for `queued`, then 1, 2, …'),
    time: time(),
    result: string('queued | delivered | retrying | failed | dropped.', {
      enum: ['queued', 'delivered', 'retrying', 'failed', 'dropped'],
    }),
    httpStatus: nullable(integer()),
    error: string('Why the attempt failed; secrets redacted.'),
    responseExcerpt: string('The start of the answer (Slack’s `no_service`, the SMTP reply); secrets redacted.'),
    latencyMs: integer(),
    nextRetryAt: nullable(time()),
  }),
  ChannelSettings: freeObject(
    'slack: {url}; pagerduty: {routingKey, eventsUrl?}; email: {to: [addresses]} (SMTP from SMTP_*); webhook: {url, secret?}.',
  ),
};
