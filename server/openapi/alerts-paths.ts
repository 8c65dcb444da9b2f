import {
  arrayOf,
  input,
  json,
  jsonBody,
  object,
  pathParam,
  query,
  ref,
  string,
  taggedOperation,
  type Feature,
} from './openapi-helpers.js';
import { ALERT_SCHEMAS } from './alerts-schemas.js';

const tag = 'alerts';
const op = taggedOperation(tag);
const id = (what: string) => pathParam('id', what);
const limit = query('limit', 'Rows, 1–1000 (default 100).', { type: 'integer', minimum: 1, maximum: 1000 });
const note = jsonBody(input({ note: string('At most 2000 characters.') }, []), false);
const channelBody = input(
  {
    name: string('1–200 characters.'),
    type: string(undefined, { enum: ['slack', 'pagerduty', 'email', 'webhook'] }),
    settings: ref('ChannelSettings'),
    deploymentAlerts: string('Default `critical`.', { enum: ['warning', 'critical', 'off'] }),
  },
  ['name', 'type', 'settings'],
);

export const alertsFeature: Feature = {
  tag: {
    name: tag,
    description: [
      'Monitors watch a metric of a scope with a threshold or a change against a reference window (the deployment detector’s statistics, read from the per-minute rollups), with a minimum sample, warning and critical levels, no-data handling, reminders, a mute and routing per level. Every `fail` (critical) and `warn` (warning) deployment verdict is an alert too.',
      'An alert’s life is a list of steps (fired, level_changed, renotified, acknowledged, resolved) with who and when. Each step goes to the event stream and webhooks (`alert.firing`, `alert.acknowledged`, `alert.resolved`) and to the channels routed: Slack incoming webhooks, PagerDuty Events API v2 (one dedup key per alert: trigger, acknowledge, resolve), email over SMTP, signed webhooks. Deliveries are retried with backoff (ALERT_DELIVERY_*), recorded, and resumed after a restart.',
    ].join('\n\n'),
  },
  schemas: ALERT_SCHEMAS,
  paths: {
    '/api/v1/alerts': {
      get: op({
        id: 'listAlerts',
        summary: 'Alerts in their current state',
        description: 'Open first, critical before warning, latest change first.',
        params: [
          query('status', '`open` (firing or acknowledged), `firing`, `acknowledged` or `resolved`.', {
            type: 'string',
            enum: ['open', 'firing', 'acknowledged', 'resolved'],
          }),
          query('source', '`monitor` or `deployment`.', { type: 'string', enum: ['monitor', 'deployment'] }),
          query('environment', 'Alerts of this environment.'),
          query('prompt', 'Alerts of this prompt.'),
          query('monitorId', 'Alerts of this monitor.'),
          query('deploymentId', 'Alerts of this deployment.'),
          limit,
        ],
        responses: { 200: json('The alerts.', object({ alerts: arrayOf(ref('Alert')) })) },
        errors: [400],
      }),
    },
    '/api/v1/alerts/{id}': {
      get: op({
        id: 'getAlert',
        summary: 'An alert with its steps and notifications',
        params: [id('Alert id (`alt_…`).')],
        responses: {
          200: json(
            'The alert, every step oldest first, and its delivery log newest first.',
            object({
              alert: ref('Alert'),
              steps: arrayOf(ref('AlertStep')),
              deliveries: arrayOf(ref('AlertDelivery')),
            }),
          ),
        },
        errors: [404],
      }),
    },
    '/api/v1/alerts/{id}/acknowledge': {
      post: op({
        role: 'deployer',
        id: 'acknowledgeAlert',
        summary: 'Acknowledge a firing alert',
        description:
          'No more reminders; it still resolves by itself when its condition clears. The channels it notified are told (PagerDuty `acknowledge`).',
        params: [id('Alert id.')],
        body: note,
        responses: { 200: json('The alert after the step.', ref('Alert')) },
        errors: [400, 404, 409],
      }),
    },
    '/api/v1/alerts/{id}/resolve': {
      post: op({
        role: 'deployer',
        id: 'resolveAlert',
        summary: 'Resolve an alert by hand',
        description:
          'The channels it notified are told (PagerDuty `resolve`). A monitor whose condition still holds fires a new alert at its next evaluation.',
        params: [id('Alert id.')],
        body: note,
        responses: { 200: json('The alert after the step.', ref('Alert')) },
        errors: [400, 404, 409],
      }),
    },
    '/api/v1/monitors': {
      get: op({
        id: 'listMonitors',
        summary: 'Monitors with their latest evaluation and open alert',
        responses: { 200: json('Every monitor, by name.', object({ monitors: arrayOf(ref('Monitor')) })) },
      }),
      post: op({
        role: 'deployer',
        id: 'createMonitor',
        summary: 'Create a monitor',
        body: jsonBody(ref('MonitorInput')),
        responses: { 201: json('The monitor.', ref('Monitor')) },
        errors: [400],
      }),
    },
    '/api/v1/monitors/preview': {
      post: op({
        id: 'previewMonitor',
        summary: 'Evaluate a monitor definition now, recording nothing',
        body: jsonBody(ref('MonitorInput')),
        responses: { 200: json('Its level and numbers now.', ref('MonitorPreview')) },
        errors: [400],
      }),
    },
    '/api/v1/monitors/{id}': {
      get: op({
        id: 'getMonitor',
        summary: 'A monitor',
        params: [id('Monitor id (`mon_…`).')],
        responses: { 200: json('The monitor.', ref('Monitor')) },
        errors: [404],
      }),
      patch: op({
        role: 'deployer',
        id: 'updateMonitor',
        summary: 'Change a monitor (mute it, disable it, edit it)',
        description: 'Any top-level fields of MonitorInput; the result is validated as a whole.',
        params: [id('Monitor id.')],
        body: jsonBody({ type: 'object', additionalProperties: true }),
        responses: { 200: json('The monitor.', ref('Monitor')) },
        errors: [400, 404],
      }),
      delete: op({
        role: 'deployer',
        id: 'deleteMonitor',
        summary: 'Delete a monitor',
        description: 'Its open alert resolves at the next pass.',
        params: [id('Monitor id.')],
        responses: { 204: { description: 'Deleted.' } },
        errors: [404],
      }),
    },
    '/api/v1/alert-channels': {
      get: op({
        id: 'listAlertChannels',
        summary: 'Notification channels (without their secrets)',
        responses: { 200: json('Every channel, by name.', object({ channels: arrayOf(ref('AlertChannel')) })) },
      }),
      post: op({
        role: 'admin',
        id: 'createAlertChannel',
        summary: 'Create a notification channel',
        description: 'Settings are write-only. A webhook secret Tracelane generates is returned once, here.',
        body: jsonBody(channelBody),
        responses: { 201: json('The channel.', ref('AlertChannel')) },
        errors: [400],
      }),
    },
    '/api/v1/alert-channels/{id}': {
      patch: op({
        role: 'admin',
        id: 'updateAlertChannel',
        summary: 'Rename a channel, change its deployment alerts, or replace its settings',
        params: [id('Channel id (`ch_…`).')],
        body: jsonBody(
          input(
            {
              name: string(),
              deploymentAlerts: string(undefined, { enum: ['warning', 'critical', 'off'] }),
              settings: ref('ChannelSettings'),
            },
            [],
          ),
        ),
        responses: { 200: json('The channel.', ref('AlertChannel')) },
        errors: [400, 404],
      }),
      delete: op({
        role: 'admin',
        id: 'deleteAlertChannel',
        summary: 'Delete a channel',
        description: 'Its unsent notifications fail (recorded as such).',
        params: [id('Channel id.')],
        responses: { 204: { description: 'Deleted.' } },
        errors: [404],
      }),
    },
    '/api/v1/alert-channels/{id}/test': {
      post: op({
        role: 'admin',
        id: 'testAlertChannel',
        summary: 'Send a test message to a channel',
        params: [id('Channel id.')],
        responses: {
          202: json('Queued; follow it in the delivery log.', object({ deliveryId: string(), alertId: string() })),
        },
        errors: [404],
      }),
    },
    '/api/v1/alert-channels/{id}/deliveries': {
      get: op({
        role: 'admin',
        id: 'listAlertChannelDeliveries',
        summary: 'Delivery log of a channel, newest first',
        params: [id('Channel id.'), limit],
        responses: { 200: json('Rows, newest first.', object({ deliveries: arrayOf(ref('AlertDelivery')) })) },
        errors: [400, 404],
      }),
    },
  },
};
