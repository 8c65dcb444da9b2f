import { Router } from 'express';
import { AddressPolicy } from '../outbound/address-policy.js';
import { checkReceiver } from '../outbound/check-receiver.js';
import { z } from 'zod';
import type { ApiContext } from '../app.js';
import { requireRole } from '../http/auth.js';
import { conflict, notFound } from '../http/errors.js';
import { parseBody, pathParam } from '../http/validation.js';
import { KeyedMutex } from '../registry/keyed-mutex.js';
import type { ModelClient } from '../models/model-client.js';
import { nowIso, timeAfter } from '../registry/clock.js';
import { createConnectionBody, DEFAULT_BASE_URLS, updateConnectionBody } from './connection-input.js';
import { secretSource } from './connection-secret.js';
import { findConnection, listConnections, writeConnection, type Connection } from './connection-table.js';
import { publicConnection } from './public-connection.js';

const testBody = z.strictObject({ model: z.string().min(1).max(200) });
const lock = new KeyedMutex();

/**
 * `/api/v1/connections`: model connections. Any key may list them (to pick one for an experiment); creating,
 * changing, deleting and testing need admin. No answer ever contains a secret (see public-connection.ts).
 */
export function connectionsRouter(ctx: Pick<ApiContext, 'store' | 'config'>, models: ModelClient): Router {
  const { store, config } = ctx;
  const router = Router();
  const policy = new AddressPolicy(config.OUTBOUND_ALLOWED_NETWORKS);
  const require = async (name: string) => {
    const c = await findConnection(store, name);
    if (!c) throw notFound(`connection "${name}" does not exist`, 'name');
    return c;
  };

  router.get('/connections', async (_req, res) => {
    res.json({ connections: (await listConnections(store)).map((c) => publicConnection(c)) });
  });

  router.get('/connections/:name', async (req, res) => {
    res.json(publicConnection(await require(pathParam(req.params, 'name'))));
  });

  router.post('/connections', requireRole('admin'), async (req, res) => {
    const { secret, secretEnv, ...body } = parseBody(createConnectionBody, req.body);
    if (body.baseUrl !== undefined) await checkReceiver(body.baseUrl, policy, 'baseUrl');
    const created = await lock.run(body.name, async () => {
      if (await findConnection(store, body.name)) throw conflict(`connection "${body.name}" already exists`, 'name');
      const now = nowIso();
      const connection: Connection = {
        ...body,
        baseUrl: body.baseUrl ?? DEFAULT_BASE_URLS[body.kind],
        secret: secretSource(body.name, { secret, secretEnv }, config.CONNECTION_SECRET_KEY) ?? { source: 'none' },
        createdAt: now,
        createdBy: res.locals.actor.name,
        updatedAt: now,
      };
      await writeConnection(store, connection);
      return connection;
    });
    res.status(201).json(publicConnection(created));
  });

  router.patch('/connections/:name', requireRole('admin'), async (req, res) => {
    const name = pathParam(req.params, 'name');
    const { secret, secretEnv, removeSecret, ...changes } = parseBody(updateConnectionBody, req.body);
    if (changes.baseUrl !== undefined) await checkReceiver(changes.baseUrl, policy, 'baseUrl');
    const updated = await lock.run(name, async () => {
      const current = await require(name);
      const newSecret = removeSecret
        ? ({ source: 'none' } as const)
        : secretSource(name, { secret, secretEnv }, config.CONNECTION_SECRET_KEY);
      const next: Connection = {
        ...current,
        ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)),
        secret: newSecret ?? current.secret,
        updatedAt: timeAfter(current.updatedAt),
      };
      await writeConnection(store, next);
      return next;
    });
    res.json(publicConnection(updated));
  });

  router.delete('/connections/:name', requireRole('admin'), async (req, res) => {
    const name = pathParam(req.params, 'name');
    await lock.run(name, async () => {
      const current = await require(name);
      await writeConnection(store, { ...current, updatedAt: timeAfter(current.updatedAt) }, true);
    });
    res.status(204).end();
  });

  /** Sends one tiny request through the connection: shows whether the URL, the secret and the model work. */
  router.post('/connections/:name/test', requireRole('admin'), async (req, res) => {
    const connection = await require(pathParam(req.params, 'name'));
    const { model } = parseBody(testBody, req.body);
    const started = Date.now();
    try {
      const result = await models.complete(connection, {
        model,
        messages: [{ role: 'user', content: 'Reply with the word OK.' }],
        settings: { maxTokens: 16 },
        responseSchema: null,
      });
      res.json({ ok: true, latencyMs: Date.now() - started, output: result.text.slice(0, 200), usage: result.usage });
    } catch (err) {
      const { kind, message, status } = models.describeError(err);
      res.json({ ok: false, latencyMs: Date.now() - started, error: { kind, message, status } });
    }
  });

  return router;
}
