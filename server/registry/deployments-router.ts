import { Router, type Response } from 'express';
import { chooseStrategy } from '../ramps/choose-strategy.js';
import { requireRole } from '../http/auth.js';
import { notFound } from '../http/errors.js';
import { deployBody, deploymentsQuery, externalBody, promoteBody, rollbackBody } from './deployment-bodies.js';
import { deploy, promote, recordExternal } from './deploy-service.js';
import { findDeploymentEvent, listDeploymentEvents } from './deployment-queries.js';
import { ReviewRequiredError } from './lane-authorization.js';
import type { LaneWrite } from './lane-writer.js';
import type { RegistryDeps } from './registry-deps.js';
import { createRequest, type RequestInput } from './request-service.js';
import { rollback } from './rollback.js';
import { parseBody, parseQuery, pathParam } from '../http/validation.js';

/** 201 with the recorded event, or 200 with the current deployment when nothing had to change. */
const statusOf = (write: LaneWrite) => (write.created ? 201 : 200);

/**
 * Deploy, rollback, promote, external deployments and the audit trail. Whether a change needs a review is decided
 * in one place for all of them (lane-authorization.ts, asked by every write); a change that needs one becomes a
 * review request here: 202 with the request and its Location.
 */
export function deploymentsRouter(deps: RegistryDeps): Router {
  const router = Router();

  const writeOrRequest = async (
    res: Response,
    write: () => Promise<LaneWrite>,
    request: (needed: ReviewRequiredError) => RequestInput,
  ) => {
    try {
      const done = await write();
      res.status(statusOf(done)).json(done.event);
    } catch (err) {
      if (!(err instanceof ReviewRequiredError)) throw err;
      const created = await createRequest(deps, request(err));
      res.status(202).location(`/api/v1/deployments/requests/${created.id}`).json(created);
    }
  };

  router.post('/deployments', requireRole('deployer'), async (req, res) => {
    const { strategy: asked, ...body } = parseBody(deployBody, req.body);
    const strategy = await chooseStrategy(deps.store, { ...body, strategy: asked });
    const input = { ...body, ...(strategy ? { strategy } : {}), actor: res.locals.actor };
    await writeOrRequest(
      res,
      () => deploy(deps, input),
      () => input,
    );
  });

  router.post('/deployments/rollback', requireRole('deployer'), async (req, res) => {
    const write = await rollback(deps, { ...parseBody(rollbackBody, req.body), actor: res.locals.actor });
    res.status(statusOf(write)).json(write.event);
  });

  router.post('/deployments/external', requireRole('deployer'), async (req, res) => {
    const { timestamp, actor, ...body } = parseBody(externalBody, req.body);
    const external = {
      ...(timestamp === undefined ? {} : { time: timestamp }),
      ...(actor === undefined ? {} : { externalActor: actor }),
    };
    const input = { ...body, ...external, actor: res.locals.actor };
    await writeOrRequest(
      res,
      () => recordExternal(deps, input),
      () => ({ ...input, external }),
    );
  });

  router.get('/deployments', async (req, res) => {
    res.json({ deployments: await listDeploymentEvents(deps.store, parseQuery(deploymentsQuery, req.query)) });
  });

  router.get('/deployments/:id', async (req, res) => {
    const id = pathParam(req.params, 'id');
    const event = await findDeploymentEvent(deps.store, id);
    if (!event) throw notFound(`deployment "${id}" does not exist`, 'id');
    res.json(event);
  });

  /** Promoting a canary that was not reviewed, in a protected environment, asks for a review of the full deploy. */
  router.post('/deployments/:id/promote', requireRole('deployer'), async (req, res) => {
    const { reason } = parseBody(promoteBody, req.body ?? {});
    const actor = res.locals.actor;
    await writeOrRequest(
      res,
      () => promote(deps, { deploymentId: pathParam(req.params, 'id'), reason, actor }),
      ({ prompt, environment, version }) => ({ prompt, environment, version, reason, actor }),
    );
  });

  return router;
}
