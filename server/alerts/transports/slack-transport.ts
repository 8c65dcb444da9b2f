import { postJson } from '../../outbound/post-json.js';
import type { SlackSettings } from '../channels/channel-settings.js';
import { renderSlack } from '../message/render-slack.js';
import { httpOutcome, type Transport } from './transport.js';

/**
 * Slack incoming webhook: POST the Block Kit message; 200 `ok` is success. 429 (with Retry-After) and 5xx are
 * retried; other answers (`invalid_payload`, `no_service`, `channel_not_found`, …) will not get better and are not.
 */
export const slackTransport: Transport = {
  async send(message, channel, ctx) {
    const { url } = channel.settings as SlackSettings;
    const body = JSON.stringify(renderSlack(message));
    return httpOutcome(await postJson(url, body, { 'User-Agent': 'Tracelane-Alerts/1' }, ctx));
  },
};
