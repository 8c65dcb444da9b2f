import { Router } from 'express';
import type { ApiContext } from '../app.js';
import { metricsRouter } from './metrics-router.js';

/** Every analysis route under /api/v1, mounted by app.ts after authentication. */
export function createAnalysisRouter(ctx: ApiContext): Router {
  const router = Router();
  router.use(metricsRouter(ctx));
  return router;
}
