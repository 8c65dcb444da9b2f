import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { detectorConfigFor } from '../analysis/detector-config.js';
import { requireRole } from '../http/auth.js';
import { badRequest, notFound } from '../http/errors.js';
import { parseBody, parseQuery, pathParam } from '../http/validation.js';
import { listEnvironments } from '../registry/environment-queries.js';
import { environmentName, promptName, reason } from '../registry/names.js';
import type { RegistryDeps } from '../registry/registry-deps.js';
import { RAMP_LOOKBACK_MS } from './ramp-controller.js';
import { latestAnalyses, rampLanes } from './ramp-queries.js';
import { abortRamp, pauseRamp, resumeRamp, skipRamp } from './ramp-service.js';
import { deriveRamps, isActive, type RampState } from './ramp-state.js';
import { rampView, type RampView } from './ramp-view.js';

const listQuery = z.object({
  prompt: promptName.optional(),
  environment: environmentName.optional(),
  /** `active` (default): running or paused; `all`: also those that ended in the last 30 days, newest first. */
  status: z.enum(['active', 'all']).default('active'),
});
const actionBody = z.strictObject({ reason });
const skipBody = z.strictObject({
  /** The share of the step to go to; 100 ends the ramp with the version taking all traffic. */
  percent: z.number().gt(0, 'must be greater than 0').max(100, 'must be at most 100'),
  reason,
});

/**
 * Ramps (progressive delivery): reading them, and pausing, resuming, skipping and aborting by hand. A ramp is
 * started by `POST /deployments` with a strategy (or the environment's default strategy).
 */
export function rampsRouter(deps: RegistryDeps): Router {
  const router = Router();

  async function views(filter: { prompt?: string; environment?: string }, keep: (r: RampState) => boolean) {
    const now = Date.now();
    const [lanes, environments] = await Promise.all([
      rampLanes(deps.store, now - RAMP_LOOKBACK_MS, filter),
      listEnvironments(deps.store),
    ]);
    const ramps = [...lanes.values()].flatMap((events) => deriveRamps(events)).filter(keep);
    const analyses = await latestAnalyses(
      deps.store,
      ramps.map((r) => r.stepDeploymentId),
    );
    const byName = new Map(environments.map((e) => [e.name, e]));
    return ramps
      .map((ramp): RampView => {
        const env = byName.get(ramp.environment);
        const policy = { autoRollback: env?.policies.autoRollback ?? false, config: detectorConfigFor(env).config };
        return rampView(ramp, analyses.get(ramp.stepDeploymentId), policy, now);
      })
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  router.get('/ramps', async (req, res) => {
    const { status, ...filter } = parseQuery(listQuery, req.query);
    res.json({ ramps: (await views(filter, (r) => status === 'all' || isActive(r))).slice(0, 200) });
  });

  router.get('/ramps/:id', async (req, res) => {
    const id = pathParam(req.params, 'id');
    const found = (await views({}, (r) => r.id === id))[0];
    if (!found) throw notFound(`ramp "${id}" does not exist (or ended more than 30 days ago)`, 'id');
    res.json(found);
  });

  /** Pause, resume and abort: each recorded with the caller as actor and their reason. */
  const action = (run: typeof pauseRamp) => async (req: Request, res: Response) => {
    const { reason } = parseBody(actionBody, req.body ?? {});
    const write = await run(deps, { rampId: pathParam(req.params, 'id'), reason, actor: res.locals.actor });
    res.status(201).json(write.event);
  };
  router.post('/ramps/:id/pause', requireRole('deployer'), action(pauseRamp));
  router.post('/ramps/:id/resume', requireRole('deployer'), action(resumeRamp));
  router.post('/ramps/:id/abort', requireRole('deployer'), action(abortRamp));

  router.post('/ramps/:id/skip', requireRole('deployer'), async (req, res) => {
    const body = parseBody(skipBody, req.body);
    const rampId = pathParam(req.params, 'id');
    const write = await skipRamp(deps, {
      rampId,
      reason: body.reason,
      actor: res.locals.actor,
      step: await stepOf(rampId, body.percent),
    });
    res.status(201).json(write.event);
  });

  /** The index of the step with this share (100: the end) in the ramp's strategy; 400 naming `percent` if none. */
  async function stepOf(rampId: string, percent: number): Promise<number> {
    const ramp = (await views({}, (r) => r.id === rampId))[0];
    if (!ramp) throw notFound(`ramp "${rampId}" does not exist`, 'id');
    const percents = [...ramp.strategy.steps.map((s) => s.percent), 100];
    const index = percents.indexOf(percent);
    if (index === -1) throw badRequest(`percent: must be one of the ramp's steps: ${percents.join(', ')}`, 'percent');
    return index;
  }

  return router;
}
