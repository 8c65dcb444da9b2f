import { postJson } from '../../outbound/post-json.js';
import type { PagerDutySettings } from '../channels/channel-settings.js';
import { renderPagerDuty } from '../message/render-pagerduty.js';
import { httpOutcome, type Transport } from './transport.js';

/**
 * PagerDuty Events API v2: 202 is accepted; 400 is an invalid event (not retried); 429 and 5xx are retried.
 * The routing key travels in the body only and is never logged.
 */
export const pagerDutyTransport: Transport = {
  async send(message, channel, ctx) {
    const { routingKey, eventsUrl } = channel.settings as PagerDutySettings;
    const body = JSON.stringify(renderPagerDuty(message, routingKey));
    return httpOutcome(await postJson(eventsUrl, body, { 'User-Agent': 'Tracelane-Alerts/1' }, ctx));
  },
};
