import { Router } from 'express';
import type { ApiContext } from '../app.js';
import { optionalEnum, optionalString, timeWindow } from './query-params.js';
import type { MetricVerdict, Verdict } from '../stats/index.js';
import { queryRegressions, type Regression } from './regressions-query.js';
import { byWorst } from './worst-metric.js';

const DAY_MS = 86_400_000;

/** One entry of `GET /api/v1/regressions`. */
export interface RegressionEntry {
  status: Regression['status'];
  resolvedBy: Regression['resolvedBy'];
  deploymentId: string;
  environment: string;
  prompt: string;
  kind: string;
  version: number;
  previousVersion: number | null;
  deployedAt: string;
  evaluatedAt: string;
  verdict: Verdict;
  reason: string;
  worstMetric: MetricVerdict | null;
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
