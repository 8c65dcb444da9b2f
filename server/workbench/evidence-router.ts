import { Router } from 'express';
import { notFound } from '../http/errors.js';
import { pathParam } from '../http/validation.js';
import { findRequest } from '../registry/request-queries.js';
import type { Store } from '../store/store.js';
import { reviewEvidence } from './review-evidence.js';

/** `GET /api/v1/deployments/requests/{id}/evidence` — everything the Reviews inbox shows about one request. */
export function evidenceRouter(store: Store): Router {
  const router = Router();
  router.get('/deployments/requests/:id/evidence', async (req, res) => {
    const id = pathParam(req.params, 'id');
    const request = await findRequest(store, id);
    if (!request) throw notFound(`deployment request "${id}" does not exist`, 'id');
    res.json(await reviewEvidence(store, request));
  });
  return router;
}
