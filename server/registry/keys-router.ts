import { Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../app.js';
import { parseApiKeys, requireRole, ROLES } from '../http/auth.js';
import { conflict, notFound } from '../http/errors.js';
import { createStoredKey, listStoredKeys, revokeStoredKey } from '../http/stored-keys.js';
import { parseBody, pathParam } from '../http/validation.js';
import { locks } from './keyed-mutex.js';
import { KEY_NAME_MAX, nameSchema } from './names.js';

const createBody = z.strictObject({ name: nameSchema(KEY_NAME_MAX), role: z.enum(ROLES) });

/**
 * `/api/v1/keys` (admin): API keys stored in Tracelane besides API_KEYS. Key names are unique among active keys
 * (configured and stored), because the name is the actor recorded on every event. See key-ring.ts for when stored
 * keys take effect.
 */
export function keysRouter(ctx: Pick<ApiContext, 'config' | 'store' | 'keys'>): Router {
  const configuredNames = new Set(parseApiKeys(ctx.config.API_KEYS).map((k) => k.name));
  const router = Router();

  router.get('/keys', requireRole('admin'), async (_req, res) => {
    res.json({ keys: await listStoredKeys(ctx.store) });
  });

  router.post('/keys', requireRole('admin'), async (req, res) => {
    const body = parseBody(createBody, req.body);
    if (configuredNames.size === 0) {
      throw conflict(
        'stored API keys take effect only when API_KEYS configures at least one (admin) key; set API_KEYS first',
      );
    }
    const created = await locks.keys.run('all', async () => {
      const active = (await listStoredKeys(ctx.store)).filter((k) => k.revokedAt === null);
      if (configuredNames.has(body.name) || active.some((k) => k.name === body.name)) {
        throw conflict(`an API key named "${body.name}" already exists`);
      }
      return createStoredKey(ctx.store, { ...body, createdBy: res.locals.actor.name });
    });
    res.status(201).json(created);
  });

  router.delete('/keys/:id', requireRole('admin'), async (req, res) => {
    const id = pathParam(req.params, 'id');
    const key = await revokeStoredKey(ctx.store, id, res.locals.actor.name);
    if (!key) throw notFound(`API key "${id}" does not exist`, 'id');
    ctx.keys.forget(); // the revoked key stops working now, not when its remembered lookup expires
    res.json(key);
  });

  return router;
}
