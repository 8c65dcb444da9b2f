import { Router } from 'express';
import type { ApiContext } from '../app.js';
import { comparisonCsv } from './compare-csv.js';
import { queryComparison } from './compare-query.js';
import { optionalEnum, requiredString, timeWindow } from './query-params.js';

const DAY_MS = 86_400_000;

/** `GET /api/v1/compare` — one row per version (and model) of a prompt in an environment; CSV on `Accept: text/csv`. */
export function compareRouter(ctx: Pick<ApiContext, 'store'>): Router {
  const router = Router();
  router.get('/compare', async (req, res) => {
    const q = req.query;
    const comparison = await queryComparison(ctx.store, {
      environment: requiredString(q, 'environment'),
      prompt: requiredString(q, 'prompt'),
      ...timeWindow(q, Date.now(), { defaultMs: 7 * DAY_MS, maxMs: 400 * DAY_MS }),
      byModel: optionalEnum(q, 'groupBy', ['model'] as const) === 'model',
    });
    if (req.accepts(['application/json', 'text/csv']) === 'text/csv') {
      const name = `${comparison.prompt}-${comparison.environment}.csv`.replace(/[^\w.-]/g, '_');
      res.type('text/csv').attachment(name).send(comparisonCsv(comparison));
      return;
    }
    res.json(comparison);
  });
  return router;
}
