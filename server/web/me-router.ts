import express, { type Router } from 'express';
import type { ApiContext } from '../app.js';

/**
 * `GET /api/v1/me` → `{name, role, authEnabled}`: who the presented key is, so the UI can offer only the
 * actions the role may take. With no keys configured every request is the local admin and `authEnabled` is false.
 */
export function createMeRouter(ctx: Pick<ApiContext, 'keys'>): Router {
  const router = express.Router();
  router.get('/me', (_req, res) => {
    const { name, role } = res.locals.actor;
    res.json({ name, role, authEnabled: ctx.keys.enabled() });
  });
  return router;
}
