import type { WebhookSettings } from '../channels/channel-settings.js';
import { sendWebhook } from '../../webhooks/send-webhook.js';
import type { AlertMessage } from '../message/alert-message.js';
import type { Transport } from './transport.js';

/** The event type of a message, as webhook subscriptions and the event stream name it. */
export function alertEventType(m: Pick<AlertMessage, 'step' | 'status'>): string {
  if (m.status === 'resolved') return 'alert.resolved';
  if (m.step === 'acknowledged') return 'alert.acknowledged';
  return 'alert.firing';
}

/**
 * A signed webhook, exactly as webhook subscriptions are delivered (same headers and signature), with the message
 * as the event's data. Every failure is retried, as webhook deliveries are.
 */
export const webhookTransport: Transport = {
  async send(message, channel, ctx) {
    const { url, secret } = channel.settings as WebhookSettings;
    const eventType = alertEventType(message);
    const body = JSON.stringify({ id: ctx.deliveryId, type: eventType, time: message.time, data: message });
    const request = { url, secret, body, eventType, deliveryId: ctx.deliveryId };
    const { refused, ...outcome } = await sendWebhook(request, ctx);
    return { ...outcome, retryable: !outcome.ok && !refused };
  },
};
