import { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../http/auth.js';
import type { Store } from '../store/store.js';
import { policiesPatchSchema } from './environment-policies.js';
import { listEnvironments } from './environment-queries.js';
import { createEnvironment, requireEnvironment, updateEnvironment } from './environment-service.js';
import { environmentName } from './names.js';
import { parseBody, pathParam } from '../http/validation.js';

const changes = {
  order: z.number().int('must be an integer').min(-1_000_000).max(1_000_000).optional(),
  primary: z.boolean().optional(),
  protected: z.boolean().optional(),
  policies: policiesPatchSchema.optional(),
};
const createBody = z.strictObject({ name: environmentName, ...changes });
const patchBody = z.strictObject(changes);

/** Environments (release lanes) and their policies; creating and changing them needs the admin role. */
export function environmentsRouter(store: Store): Router {
  const router = Router();

  router.get('/environments', async (_req, res) => {
    res.json({ environments: await listEnvironments(store) });
  });

  router.get('/environments/:name', async (req, res) => {
    res.json(await requireEnvironment(store, pathParam(req.params, 'name'), 'name'));
  });

  router.post('/environments', requireRole('admin'), async (req, res) => {
    const { name, ...rest } = parseBody(createBody, req.body);
    res.status(201).json(await createEnvironment(store, name, rest));
  });

  router.patch('/environments/:name', requireRole('admin'), async (req, res) => {
    res.json(await updateEnvironment(store, pathParam(req.params, 'name'), parseBody(patchBody, req.body)));
  });

  return router;
}
