import { Router } from 'express';
import { z } from 'zod';
import type { EventBus } from '../events/event-bus.js';
import type { Store } from '../store/store.js';
import { parseAttributes } from '../targeting/resolve-attributes.js';
import { ResolveCache } from './resolve-cache.js';
import { environmentName } from './names.js';
import { etagOf, matchesIfNoneMatch, resolvePrompt } from './resolve.js';
import { parseQuery, pathParam } from '../http/validation.js';

const resolveQuery = z.object({
  environment: environmentName,
  /** Sticky canary assignment key (user, session or tenant id). */
  key: z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters').optional(),
});

/**
 * `GET /api/v1/prompts/{name}/resolve?environment=&key=&attr.<name>=<value>` — what a runtime calls; attributes feed
 * targeting rules. Answers with an ETag and `Cache-Control: no-cache`; a matching `If-None-Match` gets `304` with no
 * body.
 */
export function resolveRouter(store: Store, bus: EventBus): Router {
  const cache = new ResolveCache(store, bus);
  const router = Router();
  router.get('/prompts/:name/resolve', async (req, res) => {
    const query = parseQuery(resolveQuery, req.query);
    const attributes = parseAttributes(req.query);
    const resolution = await resolvePrompt(store, cache, {
      prompt: pathParam(req.params, 'name'),
      ...query,
      attributes,
    });
    const body = JSON.stringify(resolution);
    const etag = etagOf(body);
    res.set({ ETag: etag, 'Cache-Control': 'no-cache' });
    if (matchesIfNoneMatch(req.get('if-none-match'), etag)) {
      res.status(304).end();
      return;
    }
    res.type('application/json').send(body);
  });
  return router;
}
