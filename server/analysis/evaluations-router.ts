import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../app.js';
import { requireRole } from '../http/auth.js';
import { notFound } from '../http/errors.js';
import { parseBody } from '../http/validation.js';
import { versionNumber } from '../registry/names.js';
import type { Store } from '../store/store.js';
import { latestOfflineRuns, type OfflineRun } from './offline-evaluations-query.js';

const item = z.strictObject({
  id: z.string().min(1).max(200),
  category: z.string().max(100).default(''),
  expected: z.string().max(20_000).default(''),
  actual: z.string().max(20_000).default(''),
  score: z.union([z.number().min(0).max(1), z.boolean()], { error: 'must be a number from 0 to 1, or a boolean' }),
});

const evaluationBody = z.strictObject({
  prompt: z.string().min(1).max(200),
  version: versionNumber,
  dataset: z.string().max(200).default(''),
  items: z.array(item).min(1, 'must hold at least one item').max(10_000),
});

/** `POST /api/v1/evaluations` response: the run with its per-category summary. */
export interface EvaluationRunResponse extends OfflineRun {
  id: string;
  prompt: string;
}

async function versionExists(store: Store, prompt: string, version: number): Promise<boolean> {
  const rows = await store.query<{ n: number }>(
    'SELECT count() AS n FROM prompt_versions WHERE prompt = {prompt:String} AND version = {version:UInt32}',
    { prompt, version },
  );
  return (rows[0]?.n ?? 0) > 0;
}

/**
 * `POST /api/v1/evaluations` — the offline results of one prompt version on a labelled dataset, item by item, so
 * the version comparison can show e.g. "billing 4/5 → 2/5". Responds with the run's per-category summary.
 */
export function evaluationsRouter(ctx: Pick<ApiContext, 'store'>): Router {
  const router = Router();
  router.post('/evaluations', requireRole('deployer'), async (req, res) => {
    const body = parseBody(evaluationBody, req.body);
    if (!(await versionExists(ctx.store, body.prompt, body.version))) {
      throw notFound(`prompt ${body.prompt} has no version ${body.version}`, 'version');
    }
    const runId = `eval_${randomUUID()}`;
    const createdAt = new Date().toISOString();
    await ctx.store.insert(
      'offline_evaluations',
      body.items.map((i) => ({
        run_id: runId,
        prompt: body.prompt,
        version: body.version,
        dataset: body.dataset,
        item_id: i.id,
        category: i.category,
        expected: i.expected,
        actual: i.actual,
        score: typeof i.score === 'boolean' ? Number(i.score) : i.score,
        created_at: createdAt,
        actor: res.locals.actor.name,
      })),
    );
    const run = (await latestOfflineRuns(ctx.store, body.prompt, [body.version])).find((r) => r.runId === runId);
    if (!run) throw new Error(`evaluation run ${runId} was stored but cannot be read back`);
    const response: EvaluationRunResponse = { id: runId, prompt: body.prompt, ...run };
    res.status(201).json(response);
  });
  return router;
}
