import type { ChannelType } from '../channels/channel-settings.js';
import { emailTransport, type SmtpConfig } from './email-transport.js';
import { pagerDutyTransport } from './pagerduty-transport.js';
import { slackTransport } from './slack-transport.js';
import type { Transport } from './transport.js';
import { webhookTransport } from './webhook-transport.js';

/** The transport of each channel type. */
export type Transports = Record<ChannelType, Transport>;

export function createTransports(config: SmtpConfig): Transports {
  return {
    slack: slackTransport,
    pagerduty: pagerDutyTransport,
    email: emailTransport(config),
    webhook: webhookTransport,
  };
}
