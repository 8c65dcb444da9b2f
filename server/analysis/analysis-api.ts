import { Router } from 'express';
import type { ApiContext } from '../app.js';
import { analysisRouter } from './analysis-router.js';
import { compareRouter } from './compare-router.js';
import { evaluationsRouter } from './evaluations-router.js';
import { metricsRouter } from './metrics-router.js';
import { regressionsRouter } from './regressions-router.js';
import { scoresRouter } from './scores-router.js';

/** Every analysis route under /api/v1, mounted by app.ts after authentication. */
export function createAnalysisRouter(ctx: ApiContext): Router {
  const router = Router();
  router.use(metricsRouter(ctx));
  router.use(compareRouter(ctx));
  router.use(scoresRouter(ctx));
  router.use(evaluationsRouter(ctx));
  router.use(analysisRouter(ctx));
  router.use(regressionsRouter(ctx));
  return router;
}
