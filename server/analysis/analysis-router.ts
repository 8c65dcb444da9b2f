import { Router } from 'express';
import type { ApiContext } from '../app.js';
import { notFound } from '../http/errors.js';
import { findDeploymentEvent, laneEvents } from '../registry/deployment-queries.js';
import { findEnvironment } from '../registry/environment-queries.js';
import type { Store } from '../store/store.js';
import {
  analysisHistory,
  lastKnownGood,
  latestAnalysis,
  latestSummaries,
  type AnalysisSummary,
  type HistoryEntry,
  type LastKnownGood,
} from './analyses-store.js';
import { analyzeDeployment, type DeploymentAnalysis } from './analyze-deployment.js';
import { requiredString } from './query-params.js';
import { parseQuery } from '../http/validation.js';
import { z } from 'zod';

/** Most deployments one `GET /analyses` may name. */
export const MAX_ANALYSES = 200;
const deploymentId = z.string().min(1).max(100);
const analysesQuery = z.strictObject({
  deployment: z.union([deploymentId, z.array(deploymentId).max(MAX_ANALYSES, `at most ${MAX_ANALYSES} deployments`)]),
});

/** `GET /api/v1/deployments/{id}/analysis`. */
export interface AnalysisResponse extends DeploymentAnalysis {
  /** False when the loop has not stored an evaluation yet and this one was computed for the request. */
  stored: boolean;
  history: HistoryEntry[];
  lastKnownGood: LastKnownGood | null;
}

/** `GET /api/v1/prompts/{name}/last-good`. */
export interface LastGoodResponse {
  prompt: string;
  environment: string;
  lastKnownGood: LastKnownGood | null;
}

/** `GET /api/v1/analyses?deployment=…`. */
export interface AnalysesResponse {
  analyses: AnalysisSummary[];
}

/** A deployment never evaluated by the loop (older than the feature, or not yet): judged now, not stored. */
async function analyzeNow(store: Store, id: string): Promise<DeploymentAnalysis> {
  const deployment = await findDeploymentEvent(store, id);
  if (!deployment) throw notFound(`deployment "${id}" does not exist`, 'id');
  const lane = await laneEvents(store, deployment.prompt, deployment.environment);
  const later = lane.slice(lane.findIndex((e) => e.id === id) + 1);
  return analyzeDeployment(store, deployment, later, await findEnvironment(store, deployment.environment), Date.now());
}

/**
 * `GET /api/v1/deployments/{id}/analysis` — the deployment's latest evaluation (or one computed now when the loop
 * has not stored any), its evaluation history and the lane's last known good version.
 * `GET /api/v1/prompts/{name}/last-good?environment=` — the last known good version alone.
 * `GET /api/v1/analyses?deployment=<id>&deployment=…` — the latest verdict summary of several deployments at once
 *   (chart markers), without the reports; deployments not judged yet are left out.
 */
export function analysisRouter(ctx: Pick<ApiContext, 'store'>): Router {
  const router = Router();
  router.get('/deployments/:id/analysis', async (req, res) => {
    const id = req.params.id;
    const stored = await latestAnalysis(ctx.store, id);
    const analysis = stored ?? (await analyzeNow(ctx.store, id));
    const [history, good] = await Promise.all([
      analysisHistory(ctx.store, id),
      lastKnownGood(ctx.store, analysis.environment, analysis.prompt),
    ]);
    const body: AnalysisResponse = { ...analysis, stored: stored !== undefined, history, lastKnownGood: good };
    res.json(body);
  });

  router.get('/analyses', async (req, res) => {
    const ids = parseQuery(analysesQuery, req.query).deployment;
    const body: AnalysesResponse = { analyses: await latestSummaries(ctx.store, [ids].flat()) };
    res.json(body);
  });

  router.get('/prompts/:name/last-good', async (req, res) => {
    const environment = requiredString(req.query, 'environment');
    const prompt = req.params.name;
    const body: LastGoodResponse = {
      prompt,
      environment,
      lastKnownGood: await lastKnownGood(ctx.store, environment, prompt),
    };
    res.json(body);
  });
  return router;
}
