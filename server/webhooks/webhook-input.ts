import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ALL_EVENTS, EVENT_TYPES, isEventType } from '../events/event-types.js';

const MAX_URL = 2048;
const MAX_DESCRIPTION = 500;
const SECRET_LENGTH = { min: 16, max: 256 };
const KNOWN_EVENTS = `${EVENT_TYPES.join(', ')} or ${ALL_EVENTS}`;
const secretRule = `must be a string of ${SECRET_LENGTH.min} to ${SECRET_LENGTH.max} characters`;

/** An absolute http(s) URL, normalised (`URL.href`). */
const receiverUrl = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_URL, `must be at most ${MAX_URL} characters`)
  .transform((text, ctx) => {
    const url = URL.canParse(text) ? new URL(text) : undefined;
    if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute http or https URL' });
      return z.NEVER;
    }
    return url.href;
  });

/**
 * The body of `POST /api/v1/webhooks` (validate with `parseBody`); a missing secret is generated (`whsec_` + 32
 * random bytes, hex), duplicate event types are dropped.
 */
export const webhookInput = z.strictObject({
  url: receiverUrl,
  events: z
    .array(z.string(), `must be a non-empty array of: ${KNOWN_EVENTS}`)
    .min(1, `must be a non-empty array of: ${KNOWN_EVENTS}`)
    .superRefine((names, ctx) => {
      const unknown = names.find((n) => n !== ALL_EVENTS && !isEventType(n));
      if (unknown !== undefined)
        ctx.addIssue({ code: 'custom', message: `unknown event type "${unknown}"; known: ${KNOWN_EVENTS}` });
    })
    .transform((names) => [...new Set(names)]),
  secret: z
    .string(secretRule)
    .min(SECRET_LENGTH.min, secretRule)
    .max(SECRET_LENGTH.max, secretRule)
    .nullish()
    .transform((secret) => secret ?? `whsec_${randomBytes(32).toString('hex')}`),
  description: z
    .string()
    .max(MAX_DESCRIPTION, `must be a string of at most ${MAX_DESCRIPTION} characters`)
    .nullish()
    .transform((description) => description ?? ''),
});
