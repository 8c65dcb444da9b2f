import express, { type Express } from 'express';
import type { CollectorMetrics } from '../collector/metrics.js';
import { createAlertingRouter } from './alerts/alerts-api.js';
import type { AlertsRuntime } from './alerts/alerts-runtime.js';
import { createAnalysisRouter } from './analysis/analysis-api.js';
import { createChangesRouter } from './changes/changes-router.js';
import { connectionsRouter } from './connections/connections-router.js';
import { datasetsRouter } from './datasets/datasets-router.js';
import { evaluatorsRouter } from './evaluators/evaluators-router.js';
import type { Experiments } from './experiments/experiments.js';
import { experimentsRouter } from './experiments/experiments-router.js';
import type { ModelClient } from './models/model-client.js';
import type { Config } from './config.js';
import type { EventBus } from './events/event-bus.js';
import type { ConnectionMetrics } from './http/connection-metrics.js';
import { createEventsRouter } from './events/events-router.js';
import { createHealthRouter } from './health/health-router.js';
import { authenticate, type KeyRing } from './http/auth.js';
import type { AuthThrottle } from './http/auth-throttle.js';
import { trustProxy } from './http/trust-proxy.js';
import { errorMiddleware, notFound } from './http/errors.js';
import { keysRouter } from './registry/keys-router.js';
import { registryRouter } from './registry/registry-router.js';
import type { Logger } from './log.js';
import { createOpenApiRouter } from './openapi/openapi-router.js';
import { overviewRouter } from './overview/overview-router.js';
import type { Store } from './store/store.js';
import { createTracesRouter } from './traces/traces-router.js';
import { createWebhooksRouter } from './webhooks/webhooks-router.js';
import type { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import { createMeRouter } from './web/me-router.js';
import { createWebHandler } from './web/static-handler.js';
import { draftsRouter } from './drafts/drafts-router.js';
import { workbenchRouter } from './workbench/workbench-router.js';

/** What the API's routers are given: the shared services of one running Tracelane. */
export interface ApiContext {
  config: Config;
  store: Store;
  log: Logger;
  bus: EventBus;
  keys: KeyRing;
  webhooks: Pick<WebhookDispatcher, 'sendTest'>;
  /** The collector's counters (same process in embedded mode), for /api/v1/health and /metrics. */
  metrics: CollectorMetrics;
  /** Connections the listeners closed (limits, timeouts), for /api/v1/health and /metrics. */
  connections: ConnectionMetrics;
  /** Failed-authentication limit per client address, shared with the collector. */
  authThrottle: AuthThrottle;
  /** Where the collector listens (`address` 0.0.0.0 or :: on every interface), for the UI's first-trace help. */
  collectorAddress: { address: string; port: number };
  alerts: AlertsRuntime;
  /** The one model call site (experiments, judges, connection tests). */
  models: ModelClient;
  /** Experiment runs executing in this process. */
  experiments: Experiments;
}

/** The API and web UI application (on PORT). Each feature contributes one router under /api/v1. */
export function createApiApp(ctx: ApiContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', trustProxy(ctx.config.TRUST_PROXY));
  app.use(express.json({ limit: '1mb' }));

  app.use(createHealthRouter(ctx)); // health and /metrics need no key
  app.use('/api/v1', createEventsRouter(ctx)); // authenticates itself: EventSource sends the key as ?key=
  app.use('/api/v1', createOpenApiRouter()); // public: the API description
  const api = express.Router();
  api.use(authenticate(ctx.keys, ctx.authThrottle));
  api.use(registryRouter(ctx), keysRouter(ctx));
  api.use(createWebhooksRouter(ctx));
  api.use(createMeRouter(ctx));
  api.use(createAnalysisRouter(ctx));
  api.use(createTracesRouter(ctx));
  api.use(overviewRouter(ctx));
  api.use(connectionsRouter(ctx, ctx.models), datasetsRouter(ctx), evaluatorsRouter(ctx));
  api.use(experimentsRouter(ctx, ctx.experiments));
  api.use(draftsRouter(ctx), workbenchRouter(ctx.store));
  api.use(createAlertingRouter(ctx));
  api.use(createChangesRouter(ctx));
  app.use('/api/v1', api);
  app.use('/api', (_req, _res, next) => next(notFound('no such API route')));
  app.use(createWebHandler());

  app.use(errorMiddleware(ctx.log));
  return app;
}
