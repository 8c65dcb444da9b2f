import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../../app.js';
import { requireRole } from '../../http/auth.js';
import { notFound } from '../../http/errors.js';
import { AddressPolicy } from '../../outbound/address-policy.js';
import { checkReceiver } from '../../outbound/check-receiver.js';
import { intParam, parseBody, parseField, parseQuery, pathParam } from '../../http/validation.js';
import { listAlertDeliveries } from '../delivery/delivery-log.js';
import { testMessage } from '../message/test-message.js';
import { channelInput, channelPatch } from './channel-input.js';
import { SETTINGS_SCHEMAS, type ChannelSettings } from './channel-settings.js';
import { findChannel, listChannels, publicChannel, saveChannel, type ChannelWithSettings } from './channel-table.js';

const deliveriesQuery = z.strictObject({ limit: intParam(1, 1000, 100) });

/** The URL a channel's settings send to, if any, and the field naming it. */
function receiverOf(settings: ChannelSettings): [string, string] | undefined {
  const s = settings as { url?: string; eventsUrl?: string };
  if (s.url !== undefined) return [s.url, 'settings.url'];
  return s.eventsUrl === undefined ? undefined : [s.eventsUrl, 'settings.eventsUrl'];
}

/**
 * Notification channels. Any role may list them (monitors name them), only admins change them or read their
 * delivery logs. Settings are write-only: the Slack URL, PagerDuty routing key and webhook secret are never
 * returned — a generated webhook secret is shown once, in the creation response.
 */
export function createChannelsRouter({ store, alerts, config }: ApiContext): Router {
  const router = express.Router();
  const admin = requireRole('admin');
  const policy = new AddressPolicy(config.OUTBOUND_ALLOWED_NETWORKS);
  /** A receiver the outbound guard would refuse is a 400 now, not a failed notification during an incident. */
  const checkSettings = async (settings: ChannelSettings) => {
    const receiver = receiverOf(settings);
    if (receiver) await checkReceiver(receiver[0], policy, receiver[1]);
  };

  const existing = async (id: string) => {
    const channel = await findChannel(store, id);
    if (!channel) throw notFound(`no alert channel with id "${id}"`, 'id');
    return channel;
  };

  router.get('/alert-channels', async (_req, res) => {
    res.json({ channels: (await listChannels(store)).map(publicChannel) });
  });

  router.post('/alert-channels', admin, async (req, res) => {
    const input = parseBody(channelInput, req.body);
    await checkSettings(input.settings);
    const now = new Date().toISOString();
    const actor = res.locals.actor.name;
    const channel: ChannelWithSettings = {
      id: `ch_${randomUUID()}`,
      name: input.name,
      type: input.type,
      target: '',
      deploymentAlerts: input.deploymentAlerts,
      createdAt: now,
      createdBy: actor,
      updatedAt: now,
      updatedBy: actor,
      settings: input.settings,
    };
    await saveChannel(store, channel);
    // A webhook secret Tracelane generated is shown this once: the receiver needs it to verify signatures.
    const given = (req.body as { settings?: { secret?: unknown } }).settings?.secret !== undefined;
    const shown = input.type === 'webhook' && !given ? { secret: input.settings.secret } : {};
    res.status(201).json({ ...publicChannel((await findChannel(store, channel.id)) ?? channel), ...shown });
  });

  router.patch('/alert-channels/:id', admin, async (req, res) => {
    const channel = await existing(pathParam(req.params, 'id'));
    const patch = parseBody(channelPatch, req.body);
    const settings =
      patch.settings &&
      parseField(SETTINGS_SCHEMAS[channel.type] as z.ZodType<ChannelSettings>, patch.settings, 'settings');
    if (settings) await checkSettings(settings);
    const updated: ChannelWithSettings = {
      ...channel,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.deploymentAlerts !== undefined ? { deploymentAlerts: patch.deploymentAlerts } : {}),
      ...(settings ? { settings } : {}),
      updatedAt: new Date().toISOString(),
      updatedBy: res.locals.actor.name,
    };
    await saveChannel(store, updated);
    res.json(publicChannel((await findChannel(store, channel.id)) ?? updated));
  });

  router.delete('/alert-channels/:id', admin, async (req, res) => {
    const channel = await existing(pathParam(req.params, 'id'));
    await saveChannel(
      store,
      { ...channel, updatedAt: new Date().toISOString(), updatedBy: res.locals.actor.name },
      true,
    );
    res.status(204).end();
  });

  router.post('/alert-channels/:id/test', admin, async (req, res) => {
    const channel = await existing(pathParam(req.params, 'id'));
    const message = testMessage(
      channel,
      res.locals.actor.name,
      config.PUBLIC_URL || `${req.protocol}://${req.get('host')}`,
    );
    const [deliveryId] = await alerts.dispatcher.enqueue(message, 0, [channel]);
    res.status(202).json({ deliveryId, alertId: message.alertId });
  });

  router.get('/alert-channels/:id/deliveries', admin, async (req, res) => {
    const { limit } = parseQuery(deliveriesQuery, req.query);
    const channel = await existing(pathParam(req.params, 'id'));
    res.json({ deliveries: await listAlertDeliveries(store, { channelId: channel.id, limit }) });
  });

  return router;
}
