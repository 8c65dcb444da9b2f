import { Router } from 'express';
import { chooseStrategy } from '../ramps/choose-strategy.js';
import { z } from 'zod';
import { requireRole } from '../http/auth.js';
import { notFound } from '../http/errors.js';
import { requestBody, reviewBody } from './deployment-bodies.js';
import { environmentName, promptName } from './names.js';
import { pageParams } from './query-params.js';
import type { RegistryDeps } from './registry-deps.js';
import { findRequest, listRequests, REQUEST_STATUSES } from './request-queries.js';
import { approveRequest, createRequest, rejectRequest } from './request-service.js';
import { parseBody, parseQuery, pathParam } from '../http/validation.js';

const listQuery = z.object({
  status: z.enum(REQUEST_STATUSES).optional(),
  prompt: promptName.optional(),
  environment: environmentName.optional(),
  ...pageParams,
});

/** Review requests: `/api/v1/deployments/requests…`. Mount before the `/deployments/:id` routes. */
export function requestsRouter(deps: RegistryDeps): Router {
  const router = Router();

  router.get('/deployments/requests', async (req, res) => {
    res.json({ requests: await listRequests(deps.store, parseQuery(listQuery, req.query)) });
  });

  router.post('/deployments/requests', requireRole('deployer'), async (req, res) => {
    const { strategy: asked, ...body } = parseBody(requestBody, req.body);
    const strategy = await chooseStrategy(deps.store, { ...body, strategy: asked });
    const input = { ...body, ...(strategy ? { strategy } : {}), actor: res.locals.actor };
    res.status(201).json(await createRequest(deps, input));
  });

  router.get('/deployments/requests/:id', async (req, res) => {
    const id = pathParam(req.params, 'id');
    const request = await findRequest(deps.store, id);
    if (!request) throw notFound(`deployment request "${id}" does not exist`, 'id');
    res.json(request);
  });

  router.post('/deployments/requests/:id/approve', requireRole('deployer'), async (req, res) => {
    const { comment, gateOverride } = parseBody(reviewBody, req.body ?? {});
    const id = pathParam(req.params, 'id');
    res.json(
      await approveRequest(deps, { id, comment, actor: res.locals.actor, ...(gateOverride ? { gateOverride } : {}) }),
    );
  });

  router.post('/deployments/requests/:id/reject', requireRole('deployer'), async (req, res) => {
    const { comment } = parseBody(reviewBody.omit({ gateOverride: true }), req.body ?? {});
    res.json(await rejectRequest(deps, { id: pathParam(req.params, 'id'), comment, actor: res.locals.actor }));
  });

  return router;
}
