import { Router } from 'express';
import { chooseStrategy } from '../ramps/choose-strategy.js';
import { requireRole } from '../http/auth.js';
import { notFound } from '../http/errors.js';
import { deployBody, deploymentsQuery, externalBody, promoteBody, rollbackBody } from './deployment-bodies.js';
import { deploy, promote, recordExternal } from './deploy-service.js';
import { findDeploymentEvent, listDeploymentEvents } from './deployment-queries.js';
import { requireEnvironment } from './environment-service.js';
import type { LaneWrite } from './lane-writer.js';
import type { RegistryDeps } from './registry-deps.js';
import { createRequest } from './request-service.js';
import { rollback } from './rollback.js';
import { parseBody, parseQuery, pathParam } from '../http/validation.js';

/** 201 with the recorded event, or 200 with the current deployment when nothing had to change. */
const statusOf = (write: LaneWrite) => (write.created ? 201 : 200);

/** Deploy, rollback, promote, external deployments and the audit trail. */
export function deploymentsRouter(deps: RegistryDeps): Router {
  const router = Router();

  /** In a protected environment, a deployer's deploy becomes a review request (202); an admin deploys directly. */
  router.post('/deployments', requireRole('deployer'), async (req, res) => {
    const { strategy: asked, ...body } = parseBody(deployBody, req.body);
    const strategy = await chooseStrategy(deps.store, { ...body, strategy: asked });
    const input = { ...body, ...(strategy ? { strategy } : {}), actor: res.locals.actor.name };
    const env = await requireEnvironment(deps.store, body.environment);
    if (env.protected && res.locals.actor.role === 'deployer') {
      const request = await createRequest(deps, input);
      res.status(202).location(`/api/v1/deployments/requests/${request.id}`).json(request);
      return;
    }
    const write = await deploy(deps, input);
    res.status(statusOf(write)).json(write.event);
  });

  router.post('/deployments/rollback', requireRole('deployer'), async (req, res) => {
    const write = await rollback(deps, { ...parseBody(rollbackBody, req.body), actor: res.locals.actor.name });
    res.status(statusOf(write)).json(write.event);
  });

  router.post('/deployments/external', requireRole('deployer'), async (req, res) => {
    const { timestamp, actor, ...body } = parseBody(externalBody, req.body);
    const write = await recordExternal(deps, {
      ...body,
      ...(timestamp === undefined ? {} : { time: timestamp }),
      ...(actor === undefined ? {} : { externalActor: actor }),
      actor: res.locals.actor.name,
    });
    res.status(201).json(write.event);
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

  router.post('/deployments/:id/promote', requireRole('deployer'), async (req, res) => {
    const body = parseBody(promoteBody, req.body ?? {});
    const write = await promote(deps, {
      deploymentId: pathParam(req.params, 'id'),
      ...body,
      actor: res.locals.actor.name,
    });
    res.status(201).json(write.event);
  });

  return router;
}
