import { postJson } from '../../http/post-json.js';
import type { PagerDutySettings } from '../channels/channel-settings.js';
import { renderPagerDuty } from '../message/render-pagerduty.js';
import { retryableHttp, type Transport } from './transport.js';

/**
 * PagerDuty Events API v2: 202 is accepted; 400 is an invalid event (not retried); 429 and 5xx are retried.
 * The routing key travels in the body only and is never logged.
 */
export const pagerDutyTransport: Transport = {
  async send(message, channel, ctx) {
    const { routingKey, eventsUrl } = channel.settings as PagerDutySettings;
    const body = JSON.stringify(renderPagerDuty(message, routingKey));
    const outcome = await postJson(eventsUrl, body, { 'User-Agent': 'Tracelane-Alerts/1' }, ctx.timeoutMs, ctx.signal);
    return { ...outcome, retryable: !outcome.ok && retryableHttp(outcome) };
  },
};
