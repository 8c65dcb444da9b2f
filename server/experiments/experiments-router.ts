import { Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../app.js';
import { requireRole } from '../http/auth.js';
import { notFound } from '../http/errors.js';
import { intParam, parseBody, parseQuery, pathParam } from '../http/validation.js';
import { nameSchema, promptName, versionText } from '../registry/names.js';
import type { Experiments } from './experiments.js';
import { findRun, listRuns } from './run-events.js';
import { checkVersion, comparisonOf } from './run-comparison.js';
import { resultsOf } from './run-results.js';
import { summarizeAll } from './run-summary.js';
import { startBody, startRun } from './start-run.js';

const listQuery = z.object({
  prompt: z.string().max(200).default(''),
  dataset: z.string().max(200).default(''),
  limit: intParam(1, 1000, 100),
});
const checkQuery = z.object({
  prompt: promptName,
  version: versionText,
  dataset: nameSchema(200),
  baselineVersion: versionText,
});

/** `/api/v1/experiments`: runs of a prompt version over a dataset. Starting and cancelling need deployer. */
export function experimentsRouter({ store }: Pick<ApiContext, 'store'>, experiments: Experiments): Router {
  const router = Router();
  const summaries = (runs: Parameters<typeof summarizeAll>[1]) =>
    summarizeAll(store, runs, (id) => experiments.live(id));
  const require = async (id: string) => {
    const run = await findRun(store, id);
    if (!run) throw notFound(`experiment run "${id}" does not exist`, 'id');
    return run;
  };

  router.get('/experiments', async (req, res) => {
    const q = parseQuery(listQuery, req.query);
    res.json({ runs: await summaries(await listRuns(store, q)) });
  });

  router.post('/experiments', requireRole('deployer'), async (req, res) => {
    const body = parseBody(startBody, req.body);
    const { run, baselineRun } = await startRun(store, experiments, body, res.locals.actor.name);
    const [summary, baseline] = await summaries(baselineRun ? [run, baselineRun] : [run]);
    res.status(201).json({ ...summary, baseline: baseline ?? null });
  });

  /** The release-gate question: did `version` pass `dataset` against `baselineVersion`? */
  router.get('/experiments/check', async (req, res) => {
    const q = parseQuery(checkQuery, req.query);
    const { passed, run, comparison } = await checkVersion(store, q);
    res.json({
      passed,
      run: run ? (await summaries([run]))[0] : null,
      regressions: comparison?.comparison.regressions ?? [],
    });
  });

  router.get('/experiments/:id', async (req, res) => {
    const [summary] = await summaries([await require(pathParam(req.params, 'id'))]);
    res.json(summary);
  });

  router.get('/experiments/:id/results', async (req, res) => {
    const run = await require(pathParam(req.params, 'id'));
    res.json({ runId: run.id, results: await resultsOf(store, run.id) });
  });

  router.get('/experiments/:id/comparison', async (req, res) => {
    const run = await require(pathParam(req.params, 'id'));
    const answer = await comparisonOf(store, run);
    if (!answer) throw notFound(`experiment run "${run.id}" has no baseline run`, 'id');
    res.json(answer);
  });

  router.post('/experiments/:id/cancel', requireRole('deployer'), async (req, res) => {
    const run = await require(pathParam(req.params, 'id'));
    const after = await experiments.cancel(run.id, res.locals.actor.name);
    res.json((await summaries([after ?? run]))[0]);
  });

  return router;
}
