import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * What each channel type needs, validated with zod. Secrets live here (Slack's URL is one: whoever has it can post;
 * PagerDuty's routing key; the webhook signing secret) and never leave the server: `channelTarget` is all the API
 * shows of them.
 */
export const CHANNEL_TYPES = ['slack', 'pagerduty', 'email', 'webhook'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

const httpUrl = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .refine((text) => {
    const url = URL.canParse(text) ? new URL(text) : undefined;
    return url?.protocol === 'http:' || url?.protocol === 'https:';
  }, 'must be an absolute http or https URL');

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+$/;

const slackSettings = z.strictObject({ url: httpUrl });

const pagerDutySettings = z.strictObject({
  routingKey: z.string().regex(/^[A-Za-z0-9]{20,64}$/, 'must be the integration key: 20 to 64 letters and digits'),
  /** The Events API v2 endpoint (EU accounts: https://events.eu.pagerduty.com/v2/enqueue). */
  eventsUrl: httpUrl.default(PAGERDUTY_EVENTS_URL),
});

const emailSettings = z.strictObject({
  to: z
    .array(z.string().max(254).regex(EMAIL, 'must be an email address'))
    .min(1, 'must name at least one address')
    .max(50, 'must name at most 50 addresses'),
});

const webhookSettings = z.strictObject({
  url: httpUrl,
  secret: z
    .string()
    .min(16, 'must be 16 to 256 characters')
    .max(256, 'must be 16 to 256 characters')
    .optional()
    .transform((s) => s ?? `whsec_${randomBytes(32).toString('hex')}`),
});

export const SETTINGS_SCHEMAS = {
  slack: slackSettings,
  pagerduty: pagerDutySettings,
  email: emailSettings,
  webhook: webhookSettings,
} as const;

export type SlackSettings = z.infer<typeof slackSettings>;
export type PagerDutySettings = z.infer<typeof pagerDutySettings>;
export type EmailSettings = z.infer<typeof emailSettings>;
export type WebhookSettings = z.infer<typeof webhookSettings>;
export type ChannelSettings = SlackSettings | PagerDutySettings | EmailSettings | WebhookSettings;

/** Where a channel sends, without its secrets: the host of a URL, the addresses of an email channel. */
export function channelTarget(type: ChannelType, settings: ChannelSettings): string {
  if (type === 'email') return (settings as EmailSettings).to.join(', ');
  const url = type === 'pagerduty' ? (settings as PagerDutySettings).eventsUrl : (settings as SlackSettings).url;
  return URL.canParse(url) ? new URL(url).host : '';
}
