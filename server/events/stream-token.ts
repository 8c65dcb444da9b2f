import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Actor } from '../http/auth.js';

/** How long a stream token opens the event stream; a stream opened with it stays open. */
export const STREAM_TOKEN_TTL_MS = 60_000;

export interface StreamToken {
  token: string;
  expiresAt: string;
}

/**
 * Short-lived, read-only credentials for `GET /api/v1/events`, the one route a browser's EventSource calls without
 * headers: the UI trades its API key (in a header) for a token and puts only the token in the URL, where proxies and
 * logs may keep it. A token is `st_<payload>.<HMAC-SHA256>` signed with a secret of this process: it names the key
 * it was issued to, opens nothing but the event stream, expires after STREAM_TOKEN_TTL_MS, and no longer verifies
 * after a restart (the UI then asks for a new one).
 */
export class StreamTokens {
  constructor(
    private readonly ttlMs = STREAM_TOKEN_TTL_MS,
    private readonly secret = randomBytes(32),
  ) {}

  issue(actor: Actor, now = Date.now()): StreamToken {
    const expires = now + this.ttlMs;
    const payload = Buffer.from(JSON.stringify({ n: actor.name, e: expires })).toString('base64url');
    return { token: `st_${payload}.${this.sign(payload)}`, expiresAt: new Date(expires).toISOString() };
  }

  /** The reader the token was issued to (with the viewer role: it only reads), or undefined when invalid or expired. */
  verify(token: string, now = Date.now()): Actor | undefined {
    const match = /^st_([\w-]+)\.([\w-]+)$/.exec(token);
    if (!match) return undefined;
    const [, payload = '', mac = ''] = match;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const { n, e } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { n: string; e: number };
    return e > now ? { name: n, role: 'viewer' } : undefined;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}
