import type { ChannelWithSettings } from '../channels/channel-table.js';
import type { TransportOutcome } from '../transports/transport.js';

/** The secret values of a channel's settings: its URL (Slack's is a credential), routing key, signing secret. */
function secretsOf(channel: ChannelWithSettings): string[] {
  const settings = channel.settings as Record<string, unknown>;
  return ['url', 'routingKey', 'secret']
    .map((key) => settings[key])
    .filter((v): v is string => typeof v === 'string' && v.length >= 8);
}

/**
 * An outcome as it may be logged and returned by the API: a receiver echoing the request, or an error message
 * quoting the URL, must not carry a channel's secrets into the delivery log.
 */
export function redactSecrets(outcome: TransportOutcome, channel: ChannelWithSettings): TransportOutcome {
  const secrets = secretsOf(channel);
  const scrub = (text: string) => secrets.reduce((t, secret) => t.split(secret).join('[redacted]'), text);
  return { ...outcome, error: scrub(outcome.error), responseExcerpt: scrub(outcome.responseExcerpt) };
}
