import express, { type Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../app.js';
import { badRequest, notFound } from '../http/errors.js';
import { intParam, parseQuery, pathParam, timeParam } from '../http/validation.js';
import { findEnvironment } from '../registry/environment-queries.js';
import { CHANGE_KINDS, findChange, listChanges } from './change-log.js';
import { describeChange } from './change-text.js';
import { judgeChange } from './judge-change.js';

const DAY_MS = 86_400_000;

const listQuery = z.strictObject({
  environment: z.string().max(500).optional(),
  prompt: z.string().max(500).optional(),
  kind: z.enum(CHANGE_KINDS).optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  limit: intParam(1, 1000, 200),
});

const analysisQuery = z.strictObject({ prompt: z.string().max(500).optional() });

/**
 * Changes nobody announced: `GET /api/v1/changes` (newest first; a window of at most 400 days, default the last 7),
 * `GET /api/v1/changes/{id}` with its evidence, and `GET /api/v1/changes/{id}/analysis?prompt=` judging it like a
 * deployment.
 */
export function createChangesRouter({ store }: ApiContext): Router {
  const router = express.Router();

  router.get('/changes', async (req, res) => {
    const q = parseQuery(listQuery, req.query);
    const to = q.to ?? Date.now() + 1;
    const from = q.from ?? to - 7 * DAY_MS;
    if (from >= to) throw badRequest('from must be before to', 'from');
    if (to - from > 400 * DAY_MS) throw badRequest('the window from..to must be at most 400 days', 'from');
    const changes = await listChanges(store, { ...q, from, to });
    res.json({ changes: changes.map((c) => ({ ...c, description: describeChange(c) })) });
  });

  router.get('/changes/:id', async (req, res) => {
    const change = await findChange(store, pathParam(req.params, 'id'));
    if (!change) throw notFound(`no change with id "${pathParam(req.params, 'id')}"`, 'id');
    res.json({ ...change, description: describeChange(change) });
  });

  router.get('/changes/:id/analysis', async (req, res) => {
    const change = await findChange(store, pathParam(req.params, 'id'));
    if (!change) throw notFound(`no change with id "${pathParam(req.params, 'id')}"`, 'id');
    const { prompt = change.prompt || change.prompts[0] } = parseQuery(analysisQuery, req.query);
    if (!prompt) throw badRequest('prompt is required: no prompt was seen with this change', 'prompt');
    res.json(await judgeChange(store, change, prompt, await findEnvironment(store, change.environment), Date.now()));
  });

  return router;
}
