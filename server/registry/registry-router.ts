import { Router } from 'express';
import type { ApiContext } from '../app.js';
import { deploymentsRouter } from './deployments-router.js';
import { environmentsRouter } from './environments-router.js';
import { promptsRouter } from './prompts-router.js';
import { requestsRouter } from './requests-router.js';
import { resolveRouter } from './resolve-router.js';

/** Every registry route, mounted inside `/api/v1` after authentication. */
export function registryRouter(ctx: Pick<ApiContext, 'store' | 'bus' | 'log'>): Router {
  const deps = { store: ctx.store, bus: ctx.bus, log: ctx.log };
  const router = Router();
  router.use(resolveRouter(ctx.store, ctx.bus));
  router.use(promptsRouter(ctx.store));
  router.use(environmentsRouter(ctx.store));
  router.use(requestsRouter(deps));
  router.use(deploymentsRouter(deps));
  return router;
}
