import { Router } from 'express';
import type { CollectorMetrics } from '../../collector/metrics.js';
import type { ConnectionMetrics } from '../http/connection-metrics.js';
import type { Store } from '../store/store.js';

export interface HealthContext {
  store: Store;
  /** The collector's counters; in embedded mode the collector runs in this process. */
  metrics: CollectorMetrics;
  connections: ConnectionMetrics;
}

/**
 * `GET /api/v1/health` (JSON: status, store backend and reachability, collector counters) and `GET /metrics`
 * (Prometheus text). Mounted before authentication: load balancers and scrapers carry no API key.
 */
export function createHealthRouter({ store, metrics, connections }: HealthContext): Router {
  const router = Router();
  router.get('/api/v1/health', async (_req, res) => {
    const storeOk = await store.query('SELECT 1 AS ok').then(
      () => true,
      () => false,
    );
    res.status(storeOk ? 200 : 503).json({
      status: storeOk ? 'ok' : 'unavailable',
      store: { backend: store.backend, reachable: storeOk },
      collector: metrics.snapshot(),
      connectionsClosed: connections.snapshot(),
    });
  });
  router.get('/metrics', (_req, res) => {
    res.type('text/plain; version=0.0.4').send(metrics.prometheus() + connections.prometheus());
  });
  return router;
}
