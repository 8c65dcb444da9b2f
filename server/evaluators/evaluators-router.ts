import { Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../app.js';
import { findConnection } from '../connections/connection-table.js';
import { requireRole } from '../http/auth.js';
import { conflict, notFound } from '../http/errors.js';
import { parseBody, pathParam } from '../http/validation.js';
import { nowIso, timeAfter } from '../registry/clock.js';
import { KeyedMutex } from '../registry/keyed-mutex.js';
import { requireVersion } from '../registry/prompt-service.js';
import type { Store } from '../store/store.js';
import { evaluatorConfig, evaluatorName, scoreKind, type EvaluatorConfig } from './evaluator-spec.js';
import { findEvaluator, listEvaluators, writeEvaluator, type StoredEvaluator } from './evaluator-table.js';

const description = z.string().max(2000, 'must be at most 2000 characters').default('');
const createBody = z.strictObject({ name: evaluatorName, description, config: evaluatorConfig });
const updateBody = z.strictObject({ description: description.optional(), config: evaluatorConfig.optional() });
const lock = new KeyedMutex();

const withKind = (e: StoredEvaluator) => ({ ...e, scoreKind: scoreKind(e.config) });

/** `/api/v1/evaluators`: named evaluators (the name is the score they write). Changing them needs deployer. */
export function evaluatorsRouter({ store }: Pick<ApiContext, 'store'>): Router {
  const router = Router();
  const require = async (name: string) => {
    const found = await findEvaluator(store, name);
    if (!found) throw notFound(`evaluator "${name}" does not exist`, 'name');
    return found;
  };

  router.get('/evaluators', async (_req, res) => {
    res.json({ evaluators: (await listEvaluators(store)).map(withKind) });
  });

  router.get('/evaluators/:name', async (req, res) => {
    res.json(withKind(await require(pathParam(req.params, 'name'))));
  });

  router.post('/evaluators', requireRole('deployer'), async (req, res) => {
    const body = parseBody(createBody, req.body);
    await checkReferences(store, body.config);
    const created = await lock.run(body.name, async () => {
      if (await findEvaluator(store, body.name)) throw conflict(`evaluator "${body.name}" already exists`, 'name');
      const now = nowIso();
      const evaluator: StoredEvaluator = {
        ...body,
        type: body.config.type,
        createdAt: now,
        createdBy: res.locals.actor.name,
        updatedAt: now,
      };
      await writeEvaluator(store, evaluator);
      return evaluator;
    });
    res.status(201).json(withKind(created));
  });

  router.patch('/evaluators/:name', requireRole('deployer'), async (req, res) => {
    const name = pathParam(req.params, 'name');
    const body = parseBody(updateBody, req.body);
    if (body.config) await checkReferences(store, body.config);
    const updated = await lock.run(name, async () => {
      const current = await require(name);
      const config = body.config ?? current.config;
      const next = {
        ...current,
        description: body.description ?? current.description,
        config,
        type: config.type,
        updatedAt: timeAfter(current.updatedAt),
      };
      await writeEvaluator(store, next);
      return next;
    });
    res.json(withKind(updated));
  });

  router.delete('/evaluators/:name', requireRole('deployer'), async (req, res) => {
    const name = pathParam(req.params, 'name');
    await lock.run(name, async () => {
      const current = await require(name);
      await writeEvaluator(store, { ...current, updatedAt: timeAfter(current.updatedAt) }, true);
    });
    res.status(204).end();
  });

  return router;
}

/** An LLM judge names a prompt version and a connection: both must exist. */
async function checkReferences(store: Store, config: EvaluatorConfig): Promise<void> {
  if (config.type !== 'llm_judge') return;
  await requireVersion(store, config.prompt, config.version, 'config.version');
  if (!(await findConnection(store, config.connection))) {
    throw notFound(`config.connection: connection "${config.connection}" does not exist`, 'config.connection');
  }
}
