import { Router } from 'express';
import type { ApiContext } from '../app.js';
import { needsExpected } from '../evaluators/evaluator-spec.js';
import { listEvaluators } from '../evaluators/evaluator-table.js';
import { requireRole } from '../http/auth.js';
import { badRequest, notFound } from '../http/errors.js';
import { parseBody, pathParam } from '../http/validation.js';
import { findEnvironment } from '../registry/environment-queries.js';
import type { Store } from '../store/store.js';
import { onlineConfigSchema } from './online-config.js';
import { appendOnlineEvents, loadOnlineStates, type OnlineState } from './online-events.js';

/**
 * `/api/v1/online-evaluations`: which evaluators score each environment's production traffic, and how each is
 * doing today (scored, errors, spans without content, judge spend against the budget; paused with the reason).
 * Configuring and resuming need admin, like the environment's other policies; both are recorded as events.
 */
export function onlineEvaluationsRouter({ store }: Pick<ApiContext, 'store'>): Router {
  const router = Router();
  const stateOf = async (environment: string): Promise<OnlineState> => {
    const [state] = await loadOnlineStates(store, Date.now(), environment);
    if (!state) throw notFound(`environment "${environment}" has no online evaluation`, 'environment');
    return state;
  };

  router.get('/online-evaluations', async (_req, res) => {
    res.json({ environments: await loadOnlineStates(store, Date.now()) });
  });

  router.get('/online-evaluations/:environment', async (req, res) => {
    res.json(await stateOf(pathParam(req.params, 'environment')));
  });

  router.put('/online-evaluations/:environment', requireRole('admin'), async (req, res) => {
    const environment = pathParam(req.params, 'environment');
    const config = parseBody(onlineConfigSchema, req.body);
    if (!(await findEnvironment(store, environment))) {
      throw notFound(`environment "${environment}" does not exist`, 'environment');
    }
    await checkEvaluators(store, config.evaluators);
    await appendOnlineEvents(store, [
      { environment, evaluator: '', kind: 'configured', time: Date.now(), config, actor: res.locals.actor.name },
    ]);
    res.json(await stateOf(environment));
  });

  router.post('/online-evaluations/:environment/evaluators/:name/resume', requireRole('admin'), async (req, res) => {
    const environment = pathParam(req.params, 'environment');
    const name = pathParam(req.params, 'name');
    const state = await stateOf(environment);
    if (!state.config.evaluators.includes(name)) {
      throw notFound(`the online evaluation of "${environment}" does not run "${name}"`, 'name');
    }
    await appendOnlineEvents(store, [
      { environment, evaluator: name, kind: 'resumed', time: Date.now(), actor: res.locals.actor.name },
    ]);
    res.json(await stateOf(environment));
  });

  return router;
}

/** Every evaluator exists and can score live traffic (no expected output): else a 400 naming it. */
async function checkEvaluators(store: Store, names: readonly string[]): Promise<void> {
  const found = new Map((await listEvaluators(store, names)).map((e) => [e.name, e]));
  names.forEach((name, i) => {
    const evaluator = found.get(name);
    if (!evaluator) throw badRequest(`evaluator "${name}" does not exist`, `evaluators.${i}`);
    if (needsExpected(evaluator.config)) {
      throw badRequest(
        `evaluator "${name}" (${evaluator.config.type}) compares with an expected output, which live traffic has not`,
        `evaluators.${i}`,
      );
    }
  });
}
