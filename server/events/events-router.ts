import express, { type RequestHandler, type Router } from 'express';
import type { ApiContext } from '../app.js';
import { authenticate } from '../http/auth.js';
import { badRequest, unauthorized } from '../http/errors.js';
import { isEventType } from './event-types.js';
import { serveEventStream } from './sse-stream.js';
import { StreamTokens } from './stream-token.js';

const MAX_TOKEN_LENGTH = 512;

/**
 * `GET /api/v1/events`: a server-sent-events stream of every product event (any role may read it), and
 * `POST /api/v1/events/token`, which trades the API key (in a header) for a short-lived stream token. Browsers'
 * EventSource cannot send headers, so the stream also accepts `?token=`; API keys are never accepted in the URL.
 */
export function createEventsRouter(ctx: ApiContext): Router {
  const router = express.Router();
  const tokens = new StreamTokens();
  const byHeader = authenticate(ctx.keys, ctx.authThrottle);

  router.post('/events/token', byHeader, (_req, res) => {
    res.set('Cache-Control', 'no-store').status(201).json(tokens.issue(res.locals.actor));
  });

  router.get('/events', authenticateStream(byHeader, tokens), (req, res) => {
    serveEventStream(res, {
      bus: ctx.bus,
      types: parseTypes(req.query.types),
      lastEventId: lastEventId(req.get('last-event-id'), req.query.lastEventId),
      heartbeatMs: ctx.config.EVENTS_HEARTBEAT_MS,
      onSlowClient: () => ctx.log.warn('event stream client too slow: closing it', { actor: res.locals.actor.name }),
    });
  });
  return router;
}

function parseTypes(value: unknown): Set<string> {
  if (value === undefined || value === '') return new Set();
  if (typeof value !== 'string') throw badRequest('types must be one comma-separated list', 'types');
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = names.filter((n) => !isEventType(n));
  if (unknown.length > 0) throw badRequest(`types: unknown event type "${unknown.join('", "')}"`, 'types');
  return new Set(names);
}

/** `Last-Event-ID` as EventSource sends it when it reconnects, or `?lastEventId=` when a client reopens the stream. */
function lastEventId(header: string | undefined, query: unknown): string | undefined {
  if (header?.trim()) return header.trim();
  if (query === undefined || query === '') return undefined;
  if (typeof query !== 'string' || query.length > 100)
    throw badRequest('lastEventId must be one event id', 'lastEventId');
  return query;
}

/** The API's header authentication, or `?token=<stream token>` (POST /api/v1/events/token) for this stream. */
function authenticateStream(byHeader: RequestHandler, tokens: StreamTokens): RequestHandler {
  return (req, res, next) => {
    if (req.query.key !== undefined) {
      throw badRequest(
        'key: API keys are not accepted in URLs (proxies and logs keep them); get a stream token with ' +
          'POST /api/v1/events/token and pass it as ?token=',
        'key',
      );
    }
    const token = req.query.token;
    if (token === undefined) return byHeader(req, res, next);
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH)
      throw badRequest('token must be one stream token', 'token');
    const reader = tokens.verify(token);
    if (!reader) throw unauthorized('stream token unknown or expired: get a new one with POST /api/v1/events/token');
    res.locals.actor = reader;
    next();
  };
}
