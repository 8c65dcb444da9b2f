import express, { type Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../app.js';
import { requireRole } from '../http/auth.js';
import { notFound } from '../http/errors.js';
import { intParam, parseBody, parseQuery, pathParam } from '../http/validation.js';
import { findAlert, listAlerts, stepsOf } from './alert-log.js';
import { listAlertDeliveries } from './delivery/delivery-log.js';

const listQuery = z.strictObject({
  status: z.enum(['open', 'firing', 'acknowledged', 'resolved']).optional(),
  source: z.enum(['monitor', 'deployment']).optional(),
  environment: z.string().max(500).optional(),
  prompt: z.string().max(500).optional(),
  monitorId: z.string().max(100).optional(),
  deploymentId: z.string().max(100).optional(),
  limit: intParam(1, 1000, 100),
});

const noteBody = z.strictObject({ note: z.string().trim().max(2000).default('') });

/**
 * `GET /api/v1/alerts` (open first, critical before warning, latest change first), `GET /api/v1/alerts/{id}` with
 * its steps and notifications, and the two human steps: acknowledge and resolve (deployer).
 */
export function createAlertsRouter({ store, alerts }: ApiContext): Router {
  const router = express.Router();

  router.get('/alerts', async (req, res) => {
    res.json({ alerts: await listAlerts(store, parseQuery(listQuery, req.query)) });
  });

  router.get('/alerts/:id', async (req, res) => {
    const alert = await findAlert(store, pathParam(req.params, 'id'));
    if (!alert) throw notFound(`no alert with id "${pathParam(req.params, 'id')}"`, 'id');
    const [steps, deliveries] = await Promise.all([
      stepsOf(store, alert.alertId),
      listAlertDeliveries(store, { alertId: alert.alertId, limit: 500 }),
    ]);
    res.json({ alert, steps, deliveries });
  });

  router.post('/alerts/:id/acknowledge', requireRole('deployer'), async (req, res) => {
    const { note } = parseBody(noteBody, req.body ?? {});
    res.json(await alerts.service.acknowledge(pathParam(req.params, 'id'), res.locals.actor.name, note));
  });

  router.post('/alerts/:id/resolve', requireRole('deployer'), async (req, res) => {
    const { note } = parseBody(noteBody, req.body ?? {});
    res.json(await alerts.service.resolve(pathParam(req.params, 'id'), res.locals.actor.name, note));
  });

  return router;
}
