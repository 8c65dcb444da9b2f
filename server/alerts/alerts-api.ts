import { Router } from 'express';
import type { ApiContext } from '../app.js';
import { createAlertsRouter } from './alerts-router.js';
import { createChannelsRouter } from './channels/channels-router.js';
import { createMonitorsRouter } from './monitors/monitors-router.js';

/** Every alerting route under /api/v1 (alerts, monitors, channels), mounted by app.ts after authentication. */
export function createAlertingRouter(ctx: ApiContext): Router {
  const router = Router();
  router.use(createAlertsRouter(ctx), createMonitorsRouter(ctx), createChannelsRouter(ctx));
  return router;
}
