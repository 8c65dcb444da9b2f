import { Router } from 'express';
import type { ApiContext } from '../app.js';
import { badRequest, notFound } from '../http/errors.js';
import { pathParam } from '../http/validation.js';
import { getTrace } from './get-trace.js';
import { listTraces } from './list-traces.js';
import { parseTraceListQuery } from './trace-list-query.js';

const TRACE_ID = /^[0-9a-fA-F]{32}$/;

/** `GET /traces` (a time window of traces, searched and paginated) and `GET /traces/:traceId` (every span of one trace). */
export function createTracesRouter(ctx: Pick<ApiContext, 'store' | 'config'>): Router {
  const router = Router();
  const limits = { maxSeconds: ctx.config.TRACE_SEARCH_MAX_SECONDS, maxRows: ctx.config.TRACE_SEARCH_MAX_ROWS };
  router.get('/traces', async (req, res) => {
    const query = parseTraceListQuery(req.query);
    const page = await listTraces(ctx.store, query, limits);
    res.json({ ...page, window: { from: new Date(query.from).toISOString(), to: new Date(query.to).toISOString() } });
  });
  router.get('/traces/:traceId', async (req, res) => {
    const traceId = pathParam(req.params, 'traceId');
    if (!TRACE_ID.test(traceId)) throw badRequest('traceId must be 32 hex digits', 'traceId');
    const trace = await getTrace(ctx.store, traceId.toLowerCase());
    if (!trace) throw notFound(`no trace ${traceId}`, 'traceId');
    res.json(trace);
  });
  return router;
}
