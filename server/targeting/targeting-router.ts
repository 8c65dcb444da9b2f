import { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../http/auth.js';
import { intParam, parseBody, parseQuery, pathParam } from '../http/validation.js';
import { requireEnvironment } from '../registry/environment-service.js';
import { environmentName, reason } from '../registry/names.js';
import { requirePrompt } from '../registry/prompt-service.js';
import type { RegistryDeps } from '../registry/registry-deps.js';
import { currentRevision, listRevisions } from './rule-revisions.js';
import { rulesSchema } from './rules.js';
import { noRules, setRules } from './targeting-service.js';

const laneQuery = z.object({ environment: environmentName });
const historyQuery = z.object({ environment: environmentName, limit: intParam(1, 1000, 100) });
const putBody = z.strictObject({
  environment: environmentName,
  rules: rulesSchema,
  reason,
  expectedRevision: z.number().int('must be an integer').min(0, 'must be at least 0').optional(),
});

/** Targeting rules of a prompt in an environment: the list in effect, its history, and replacing it. */
export function targetingRouter(deps: RegistryDeps): Router {
  const router = Router();

  router.get('/prompts/:name/targeting', async (req, res) => {
    const prompt = pathParam(req.params, 'name');
    const { environment } = parseQuery(laneQuery, req.query);
    await requirePrompt(deps.store, prompt, 'name');
    await requireEnvironment(deps.store, environment);
    res.json((await currentRevision(deps.store, prompt, environment)) ?? noRules(prompt, environment));
  });

  router.get('/prompts/:name/targeting/history', async (req, res) => {
    const prompt = pathParam(req.params, 'name');
    const { environment, limit } = parseQuery(historyQuery, req.query);
    await requirePrompt(deps.store, prompt, 'name');
    res.json({ revisions: await listRevisions(deps.store, prompt, environment, limit) });
  });

  router.put('/prompts/:name/targeting', requireRole('deployer'), async (req, res) => {
    const body = parseBody(putBody, req.body);
    const write = await setRules(deps, { ...body, prompt: pathParam(req.params, 'name'), actor: res.locals.actor });
    res.status(write.created ? 201 : 200).json(write.revision);
  });

  return router;
}
