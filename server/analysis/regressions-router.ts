import { Router } from 'express';
import type { ApiContext } from '../app.js';
import { optionalEnum, optionalString, timeWindow } from './query-params.js';
import type { MetricVerdict } from '../stats/index.js';
import type { DeploymentAnalysis } from './analyze-deployment.js';
import { queryRegressions, type Regression } from './regressions-query.js';
import { byWorst } from './worst-metric.js';

const DAY_MS = 86_400_000;

/** One entry of `GET /api/v1/regressions`: the deployment's latest analysis, without its arms and details. */
export interface RegressionEntry extends Pick<
  DeploymentAnalysis,
  | 'deploymentId'
  | 'environment'
  | 'prompt'
  | 'kind'
  | 'version'
  | 'previousVersion'
  | 'deployedAt'
  | 'evaluatedAt'
  | 'verdict'
  | 'reason'
  | 'worstMetric'
> {
  status: Regression['status'];
  resolvedBy: Regression['resolvedBy'];
  /** The failing and warning metrics, worst first. */
  metrics: MetricVerdict[];
}

export interface RegressionsResponse {
  regressions: RegressionEntry[];
}

/** `GET /api/v1/regressions?environment=&status=open|resolved&from=&to=` — worst first. */
export function regressionsRouter(ctx: Pick<ApiContext, 'store'>): Router {
  const router = Router();
  router.get('/regressions', async (req, res) => {
    const q = req.query;
    const regressions = await queryRegressions(ctx.store, {
      environment: optionalString(q, 'environment'),
      status: optionalEnum(q, 'status', ['open', 'resolved'] as const),
      ...timeWindow(q, Date.now(), { defaultMs: 7 * DAY_MS, maxMs: 400 * DAY_MS }),
    });
    const body: RegressionsResponse = {
      regressions: regressions.map(({ status, resolvedBy, analysis: a }) => ({
        status,
        resolvedBy,
        deploymentId: a.deploymentId,
        environment: a.environment,
        prompt: a.prompt,
        kind: a.kind,
        version: a.version,
        previousVersion: a.previousVersion,
        deployedAt: a.deployedAt,
        evaluatedAt: a.evaluatedAt,
        verdict: a.verdict,
        reason: a.reason,
        worstMetric: a.worstMetric,
        metrics: a.metrics.filter((m) => m.verdict === 'fail' || m.verdict === 'warn').sort(byWorst),
      })),
    };
    res.json(body);
  });
  return router;
}
