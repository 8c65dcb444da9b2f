import { randomBytes } from 'node:crypto';
import { ALL_EVENTS, EVENT_TYPES, isEventType } from '../events/event-types.js';
import { badRequest } from '../http/errors.js';

export interface WebhookInput {
  url: string;
  events: string[];
  secret: string;
  description: string;
}

const MAX_URL = 2048;
const MAX_DESCRIPTION = 500;
const SECRET_LENGTH = { min: 16, max: 256 };

/** Validates `POST /api/v1/webhooks`; a missing secret is generated (`whsec_` + 32 random bytes, hex). */
export function parseWebhookInput(body: unknown): WebhookInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('body must be a JSON object {url, events, secret?, description?}');
  }
  const input = body as Record<string, unknown>;
  return {
    url: parseUrl(input.url),
    events: parseEvents(input.events),
    secret: parseSecret(input.secret),
    description: optionalString(input.description, 'description', MAX_DESCRIPTION),
  };
}

function parseUrl(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw badRequest("url is required: the receiver's http(s) URL", 'url');
  if (value.length > MAX_URL) throw badRequest(`url must be at most ${MAX_URL} characters`, 'url');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badRequest('url is not a valid absolute URL', 'url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest('url must use http or https', 'url');
  return url.href;
}

function parseEvents(value: unknown): string[] {
  const known = `${EVENT_TYPES.join(', ')} or ${ALL_EVENTS}`;
  if (!Array.isArray(value) || value.length === 0)
    throw badRequest(`events must be a non-empty array of: ${known}`, 'events');
  for (const name of value) {
    if (typeof name !== 'string' || (name !== ALL_EVENTS && !isEventType(name))) {
      throw badRequest(`events: unknown event type ${JSON.stringify(name)}; known: ${known}`, 'events');
    }
  }
  return [...new Set(value as string[])];
}

function parseSecret(value: unknown): string {
  if (value === undefined || value === null) return `whsec_${randomBytes(32).toString('hex')}`;
  const { min, max } = SECRET_LENGTH;
  if (typeof value !== 'string' || value.length < min || value.length > max) {
    throw badRequest(`secret must be a string of ${min} to ${max} characters`, 'secret');
  }
  return value;
}

function optionalString(value: unknown, field: string, max: number): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string' || value.length > max)
    throw badRequest(`${field} must be a string of at most ${max} characters`, field);
  return value;
}
