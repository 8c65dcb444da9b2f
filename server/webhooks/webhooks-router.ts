import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../app.js';
import { requireRole } from '../http/auth.js';
import { conflict, notFound } from '../http/errors.js';
import { intParam, parseBody, parseQuery } from '../http/validation.js';
import { AddressPolicy } from '../outbound/address-policy.js';
import { checkReceiver } from '../outbound/check-receiver.js';
import { KeyedMutex } from '../registry/keyed-mutex.js';
import { listDeliveries } from './delivery-log.js';
import { webhookInput } from './webhook-input.js';
import { deleteWebhook, findWebhook, insertWebhook, listWebhooks, publicWebhook } from './webhook-table.js';

const deliveriesQuery = z.object({ limit: intParam(1, 1000, 100) });
/** Webhook creations run one at a time, so concurrent ones cannot pass the count cap together. */
const creating = new KeyedMutex();

/**
 * Webhook subscriptions and their delivery logs. Every route needs the admin role: receiver URLs often embed
 * credentials (chat incoming-webhook URLs do), so even listing them is an admin matter.
 */
export function createWebhooksRouter({ store, config, webhooks }: ApiContext): Router {
  const router = express.Router();
  const policy = new AddressPolicy(config.OUTBOUND_ALLOWED_NETWORKS);
  router.use('/webhooks', requireRole('admin'));

  router.post('/webhooks', async (req, res) => {
    const input = parseBody(webhookInput, req.body);
    await checkReceiver(input.url, policy, 'url');
    const webhook = await creating.run('webhooks', async () => {
      const live = (await listWebhooks(store)).length;
      if (live >= config.WEBHOOK_MAX_COUNT) {
        throw conflict(`at most ${config.WEBHOOK_MAX_COUNT} webhooks (WEBHOOK_MAX_COUNT); delete one first`);
      }
      const created = {
        id: `wh_${randomUUID()}`,
        ...input,
        createdAt: new Date().toISOString(),
        createdBy: res.locals.actor.name,
      };
      await insertWebhook(store, created);
      return created;
    });
    res.status(201).json(webhook);
  });

  router.get('/webhooks', async (_req, res) => {
    res.json({ webhooks: (await listWebhooks(store)).map(publicWebhook) });
  });

  router.delete('/webhooks/:id', async (req, res) => {
    const webhook = await findWebhook(store, req.params.id);
    if (!webhook) throw notFound(`no webhook with id "${req.params.id}"`, 'id');
    await deleteWebhook(store, webhook);
    res.status(204).end();
  });

  router.post('/webhooks/:id/test', async (req, res) => {
    const webhook = await findWebhook(store, req.params.id);
    if (!webhook) throw notFound(`no webhook with id "${req.params.id}"`, 'id');
    const { event, deliveryId } = webhooks.sendTest(publicWebhook(webhook), res.locals.actor.name);
    res.status(202).json({ eventId: event.id, deliveryId, type: event.type });
  });

  router.get('/webhooks/:id/deliveries', async (req, res) => {
    const { limit } = parseQuery(deliveriesQuery, req.query);
    if (!(await findWebhook(store, req.params.id))) throw notFound(`no webhook with id "${req.params.id}"`, 'id');
    res.json({ deliveries: await listDeliveries(store, req.params.id, limit) });
  });

  return router;
}
