import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../../app.js';
import { requireRole } from '../../http/auth.js';
import { badRequest, notFound } from '../../http/errors.js';
import { parseBody, pathParam } from '../../http/validation.js';
import type { Store } from '../../store/store.js';
import { listAlerts } from '../alert-log.js';
import { findChannel } from '../channels/channel-table.js';
import type { AlertsRuntime } from '../alerts-runtime.js';
import { measureMonitor } from './measure-monitor.js';
import { monitorInput, type MonitorInput } from './monitor-input.js';
import { findMonitor, listMonitors, saveMonitor, type Monitor } from './monitor-table.js';

/** PATCH: any top-level fields of a monitor; the merged monitor is validated as a whole (unknown fields: 400). */
const monitorPatch = z.record(z.string(), z.unknown());

/** Every channel a monitor routes to must exist: a typo must not silence a page. */
async function checkChannels(store: Store, input: MonitorInput): Promise<void> {
  for (const level of ['warning', 'critical'] as const) {
    for (const [i, id] of input.notify[level].entries()) {
      if (!(await findChannel(store, id)))
        throw badRequest(`notify.${level}.${i}: no alert channel with id "${id}"`, `notify.${level}.${i}`);
    }
  }
}

/** A monitor with its latest evaluation and its open alert, as the API returns it. */
export type MonitorView = Awaited<ReturnType<typeof withState>>;

async function withState(store: Store, alerts: AlertsRuntime, monitor: Monitor) {
  const [open] = await listAlerts(store, { source: 'monitor', monitorId: monitor.id, status: 'open', limit: 1 });
  const evaluation = alerts.evaluations.get(monitor.id);
  return {
    ...monitor,
    state: evaluation
      ? { evaluatedAt: evaluation.evaluatedAt, level: evaluation.outcome.level, facts: evaluation.outcome.facts }
      : null,
    openAlert: open ? { alertId: open.alertId, status: open.status, level: open.level, firedAt: open.firedAt } : null,
  };
}

/**
 * Monitors: any role reads them and previews one (its value and level now, nothing recorded); deployers create,
 * change and delete them.
 */
export function createMonitorsRouter({ store, alerts }: ApiContext): Router {
  const router = express.Router();
  const deployer = requireRole('deployer');

  const existing = async (id: string) => {
    const monitor = await findMonitor(store, id);
    if (!monitor) throw notFound(`no monitor with id "${id}"`, 'id');
    return monitor;
  };

  router.get('/monitors', async (_req, res) => {
    const monitors = await listMonitors(store);
    res.json({ monitors: await Promise.all(monitors.map((m) => withState(store, alerts, m))) });
  });

  router.post('/monitors/preview', async (req, res) => {
    const input = parseBody(monitorInput, req.body);
    res.json(await measureMonitor(store, input, Date.now()));
  });

  router.get('/monitors/:id', async (req, res) => {
    res.json(await withState(store, alerts, await existing(pathParam(req.params, 'id'))));
  });

  router.post('/monitors', deployer, async (req, res) => {
    const input = parseBody(monitorInput, req.body);
    await checkChannels(store, input);
    const now = new Date().toISOString();
    const actor = res.locals.actor.name;
    const monitor: Monitor = {
      id: `mon_${randomUUID()}`,
      ...input,
      createdAt: now,
      createdBy: actor,
      updatedAt: now,
      updatedBy: actor,
    };
    await saveMonitor(store, monitor);
    res.status(201).json(await withState(store, alerts, monitor));
  });

  router.patch('/monitors/:id', deployer, async (req, res) => {
    const monitor = await existing(pathParam(req.params, 'id'));
    const patch = parseBody(monitorPatch, req.body);
    const { id, createdAt, createdBy, updatedAt: _u, updatedBy: _b, ...current } = monitor;
    const input = parseBody(monitorInput, { ...current, ...patch });
    await checkChannels(store, input);
    const updated: Monitor = {
      id,
      ...input,
      createdAt,
      createdBy,
      updatedAt: new Date().toISOString(),
      updatedBy: res.locals.actor.name,
    };
    await saveMonitor(store, updated);
    res.json(await withState(store, alerts, updated));
  });

  router.delete('/monitors/:id', deployer, async (req, res) => {
    const monitor = await existing(pathParam(req.params, 'id'));
    await saveMonitor(
      store,
      { ...monitor, updatedAt: new Date().toISOString(), updatedBy: res.locals.actor.name },
      true,
    );
    res.status(204).end();
  });

  return router;
}
