import { Router } from 'express';
import { z } from 'zod';
import { findDataset } from '../datasets/dataset-queries.js';
import { requireRole } from '../http/auth.js';
import { badRequest } from '../http/errors.js';
import type { Store } from '../store/store.js';
import { defaultDetectorConfig, type DetectorConfig } from '../stats/index.js';
import { listEnvironmentChanges } from './environment-audit.js';
import { DEFAULT_POLICIES, policiesPatchSchema, type Policies, type PoliciesPatch } from './environment-policies.js';
import { listEnvironments } from './environment-queries.js';
import { createEnvironment, requireEnvironment, updateEnvironment } from './environment-service.js';
import { environmentName } from './names.js';
import { intParam, parseBody, parseQuery, pathParam } from '../http/validation.js';

const changes = {
  order: z.number().int('must be an integer').min(-1_000_000).max(1_000_000).optional(),
  primary: z.boolean().optional(),
  protected: z.boolean().optional(),
  policies: policiesPatchSchema.optional(),
};
const createBody = z.strictObject({ name: environmentName, ...changes });
const patchBody = z.strictObject(changes);

/** `GET /api/v1/policy-defaults`: what an environment's policies and detector settings are when not overridden. */
export interface PolicyDefaults {
  policies: Policies;
  detector: DetectorConfig;
}

/** A release gate must name a dataset that exists (400 naming the field). */
async function checkGateDataset(store: Store, policies: PoliciesPatch | undefined): Promise<void> {
  const dataset = policies?.releaseGate?.dataset;
  if (dataset !== undefined && !(await findDataset(store, dataset))) {
    throw badRequest(
      `policies.releaseGate.dataset: dataset "${dataset}" does not exist`,
      'policies.releaseGate.dataset',
    );
  }
}

/** Environments (release lanes) and their policies; creating and changing them needs the admin role. */
export function environmentsRouter(store: Store): Router {
  const router = Router();

  router.get('/environments', async (_req, res) => {
    res.json({ environments: await listEnvironments(store) });
  });

  router.get('/policy-defaults', (_req, res) => {
    const body: PolicyDefaults = { policies: DEFAULT_POLICIES, detector: defaultDetectorConfig() };
    res.json(body);
  });

  router.get('/environments/:name/changes', async (req, res) => {
    const name = pathParam(req.params, 'name');
    const { limit } = parseQuery(z.object({ limit: intParam(1, 1000, 100) }), req.query);
    await requireEnvironment(store, name, 'name');
    res.json({ changes: await listEnvironmentChanges(store, name, limit) });
  });

  router.get('/environments/:name', async (req, res) => {
    res.json(await requireEnvironment(store, pathParam(req.params, 'name'), 'name'));
  });

  router.post('/environments', requireRole('admin'), async (req, res) => {
    const { name, ...rest } = parseBody(createBody, req.body);
    await checkGateDataset(store, rest.policies);
    res.status(201).json(await createEnvironment(store, name, rest, res.locals.actor.name));
  });

  router.patch('/environments/:name', requireRole('admin'), async (req, res) => {
    const changes = parseBody(patchBody, req.body);
    await checkGateDataset(store, changes.policies);
    res.json(await updateEnvironment(store, pathParam(req.params, 'name'), changes, res.locals.actor.name));
  });

  return router;
}
