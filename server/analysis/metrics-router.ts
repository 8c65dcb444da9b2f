import { Router } from 'express';
import type { ApiContext } from '../app.js';
import { optionalEnum, optionalString, requiredString, timeWindow } from './query-params.js';
import { chooseStep } from './steps.js';
import { queryTimeseries } from './timeseries-query.js';

const DAY_MS = 86_400_000;

/** `GET /api/v1/metrics/timeseries` — metrics of one environment + prompt over time, with deployment markers. */
export function metricsRouter(ctx: Pick<ApiContext, 'store'>): Router {
  const router = Router();
  router.get('/metrics/timeseries', async (req, res) => {
    const q = req.query;
    const window = timeWindow(q, Date.now(), { defaultMs: DAY_MS, maxMs: 400 * DAY_MS });
    const body = await queryTimeseries(ctx.store, {
      environment: requiredString(q, 'environment'),
      prompt: requiredString(q, 'prompt'),
      version: optionalString(q, 'version'),
      model: optionalString(q, 'model'),
      ...window,
      stepSeconds: chooseStep(optionalString(q, 'step', 10), window.to - window.from),
      groupBy: optionalEnum(q, 'groupBy', ['version', 'model'] as const),
    });
    res.json(body);
  });
  return router;
}
