import { EVENT_TYPES } from '../events/event-types.js';
import {
  freeObject,
  json,
  object,
  query,
  ref,
  string,
  taggedOperation,
  time,
  type Feature,
} from './openapi-helpers.js';

const tag = 'events';
const op = taggedOperation(tag);

export const eventsFeature: Feature = {
  tag: {
    name: tag,
    description:
      'Product events (deployments, review requests, regressions) as a server-sent-events stream; the same JSON is the body of webhook deliveries.',
  },
  schemas: {
    ProductEvent: object(
      {
        id: string('Unique event id (`evt_…`): the SSE `id:` and what receivers de-duplicate on.'),
        type: string('Event type.', { enum: [...EVENT_TYPES] }),
        time: time('When the event was published.'),
        data: freeObject(
          [
            'The object the event is about, as the API returns it: a deployment event for `deployment.created`, a review request for `deployment_request.*`, the verdict and worst metric for `regression.detected`.',
            "`analysis.updated` is published whenever a deployment's stored verdict changes (its first verdict included) or becomes final, regressions or not (inconclusive → pass, fail → pass): `{deploymentId, prompt, environment, version, verdict, previousVerdict (null for the first), evaluatedAt, final}`.",
            '`experiment.started`, `experiment.progress` (at most once a second per run) and `experiment.finished` carry the run as `GET /api/v1/experiments/{id}` returns it (state, progress with items done, failures, spend and ETA).',
            '`targeting.updated`: a lane’s targeting rules changed, `{prompt, environment, revision, rules (their number), actor, reason}`. `ab_test.updated`: an A/B test started, ended, was stopped or shipped, `{id, name, prompt, environment, kind, decision?, summary?}`. Runtimes re-resolve the lane on both.',
          ].join('\n\n'),
        ),
      },
      [],
      'One product event.',
    ),
  },
  paths: {
    '/api/v1/events': {
      get: {
        ...op({
          id: 'streamEvents',
          summary: 'Server-sent-events stream of product events',
          description: [
            'Each event is sent as `id: <event id>`, `event: <type>` and one `data:` line holding the ProductEvent JSON.',
            'A comment line (`: heartbeat`) is sent every EVENTS_HEARTBEAT_MS (default 15 s) so proxies keep the connection open.',
            'Reconnecting clients send `Last-Event-ID` (EventSource does so by itself): the events published after it are replayed from an in-memory window of the last 1000 events. When that id is no longer in the window (older, or from before a restart), the stream starts with `event: stream.reset` — the client may have missed events and should reload the current state.',
            'Because EventSource cannot send headers, this route (only this one) also accepts `?token=`: a short-lived, read-only stream token from `POST /api/v1/events/token`. An API key is never accepted in the URL (proxies and logs keep URLs): `?key=` is refused with 400. A client reopening the stream itself (with a new token) passes `?lastEventId=` instead of the header.',
            'A client that reads too slowly (over 1 MiB unsent) is disconnected; it reconnects and replays.',
          ].join('\n\n'),
          params: [
            query('types', 'Comma-separated event types to receive (default: all).', {
              type: 'string',
              example: 'deployment.created,regression.detected',
            }),
            query('token', 'A stream token (`POST /api/v1/events/token`), for clients that cannot send headers.'),
            query('lastEventId', 'Replay the events after this id (as the `Last-Event-ID` header).'),
            {
              name: 'Last-Event-ID',
              in: 'header',
              required: false,
              description: 'Replay the events after this id.',
              schema: { type: 'string' },
            },
          ],
          responses: {
            200: {
              description: 'The event stream (never ends on its own).',
              content: { 'text/event-stream': { schema: { type: 'string' }, 'x-event-schema': ref('ProductEvent') } },
            },
          },
          errors: [400],
        }),
        security: [{ bearerAuth: [] }, { apiKeyHeader: [] }, { streamToken: [] }],
      },
    },
    '/api/v1/events/token': {
      post: op({
        id: 'createStreamToken',
        summary: 'A short-lived, read-only token for the event stream',
        description:
          'Trades the API key (sent in a header) for a token to put in the event stream’s URL: it opens `GET /api/v1/events` only, with read access, until `expiresAt` (60 s; a stream opened in time stays open). Tokens are signed by the server process: after a restart, get a new one.',
        responses: {
          201: json(
            'The token.',
            object({
              token: string('`st_…`: pass it as `?token=`.'),
              expiresAt: time('When it stops opening streams.'),
            }),
          ),
        },
      }),
    },
  },
};
