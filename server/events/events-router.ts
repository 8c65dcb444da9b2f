import express, { type RequestHandler, type Router } from 'express';
import type { ApiContext } from '../app.js';
import { LOCAL_ADMIN, authenticate, identify, type KeyRing } from '../http/auth.js';
import type { AuthThrottle } from '../http/auth-throttle.js';
import { badRequest } from '../http/errors.js';
import { isEventType } from './event-types.js';
import { serveEventStream } from './sse-stream.js';

/**
 * `GET /api/v1/events`: a server-sent-events stream of every product event (any role may read it).
 * Mounted before the API's header authentication because browsers' EventSource cannot send headers: this route,
 * and only this one, also accepts the API key as `?key=`.
 */
export function createEventsRouter(ctx: ApiContext): Router {
  const router = express.Router();
  router.get('/events', authenticateStream(ctx.keys, ctx.authThrottle), (req, res) => {
    const lastEventId = req.get('last-event-id')?.trim() || undefined;
    serveEventStream(res, {
      bus: ctx.bus,
      types: parseTypes(req.query.types),
      lastEventId,
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

/** The API's header authentication, plus `?key=<api key>` for this stream. */
function authenticateStream(keys: KeyRing, throttle: AuthThrottle): RequestHandler {
  const byHeader = authenticate(keys, throttle);
  return async (req, res, next) => {
    const key = req.query.key;
    if (key === undefined) return byHeader(req, res, next);
    if (typeof key !== 'string' || key === '') throw badRequest('key must be one API key', 'key');
    res.locals.actor = keys.enabled() ? await identify(req, res, keys, throttle, key) : LOCAL_ADMIN;
    next();
  };
}
