import { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../http/auth.js';
import { parseBody, parseQuery, pathParam } from '../http/validation.js';
import { environmentName, promptName, reason } from '../registry/names.js';
import type { RegistryDeps } from '../registry/registry-deps.js';
import type { AbResult } from './ab-result.js';
import { abTestInput } from './ab-test-definition.js';
import { listAbTests, type AbTest } from './ab-test-events.js';
import { endAbTest, liveResult, requireAbTest, shipAbTest, startAbTest } from './ab-test-service.js';

const listQuery = z.object({
  prompt: promptName.optional(),
  environment: environmentName.optional(),
  status: z.enum(['running', 'ended', 'shipped']).optional(),
});
const actionBody = z.strictObject({ reason });

/** An A/B test as the API returns it: its state and events, and its result (interim while it runs). */
export type AbTestView = AbTest & { live: AbResult };

/** A/B tests: start, read (with live results), stop, ship the winner. */
export function abTestsRouter(deps: RegistryDeps): Router {
  const router = Router();
  const view = async (test: AbTest): Promise<AbTestView> => ({ ...test, live: await liveResult(deps, test) });

  router.post('/ab-tests', requireRole('deployer'), async (req, res) => {
    const test = await startAbTest(deps, parseBody(abTestInput, req.body), res.locals.actor);
    res
      .status(201)
      .location(`/api/v1/ab-tests/${test.id}`)
      .json(await view(test));
  });

  router.get('/ab-tests', async (req, res) => {
    const { status, ...filter } = parseQuery(listQuery, req.query);
    const tests = (await listAbTests(deps.store, filter)).filter((t) => !status || t.status === status);
    res.json({ tests: tests.slice(0, 200) });
  });

  router.get('/ab-tests/:id', async (req, res) => {
    res.json(await view(await requireAbTest(deps, pathParam(req.params, 'id'))));
  });

  router.post('/ab-tests/:id/stop', requireRole('deployer'), async (req, res) => {
    const { reason: why } = parseBody(actionBody, req.body ?? {});
    const test = await requireAbTest(deps, pathParam(req.params, 'id'));
    const stopped = await endAbTest(deps, test, { kind: 'stop', actor: res.locals.actor.name, reason: why });
    res.json(await view(stopped));
  });

  router.post('/ab-tests/:id/ship', requireRole('deployer'), async (req, res) => {
    const { reason: why } = parseBody(actionBody, req.body ?? {});
    res.json(await view(await shipAbTest(deps, pathParam(req.params, 'id'), res.locals.actor, why)));
  });

  return router;
}
