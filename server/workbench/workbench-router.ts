import { Router } from 'express';
import type { Store } from '../store/store.js';
import { compareRouter } from './compare-router.js';
import { evidenceRouter } from './evidence-router.js';
import { renderRouter } from './render-router.js';

/** The workbench's read routes (render, compare, review evidence), mounted inside `/api/v1` after authentication. */
export function workbenchRouter(store: Store): Router {
  const router = Router();
  router.use(renderRouter(store), compareRouter(store), evidenceRouter(store));
  return router;
}
