import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Checks the key an export request presents: its `authorization` and `x-api-key` values (HTTP headers or metadata). */
export type IngestKeyCheck = (authorization: unknown, apiKey: unknown) => boolean;

/**
 * INGEST_KEYS check: the key comes as `Authorization: Bearer <key>`, as the password of `Authorization: Basic` (the
 * Langfuse SDKs send `public key:secret key`, so the secret key is the ingest key), or as `x-api-key: <key>`, and is
 * compared in constant time. With no keys configured every request passes (the collector then listens on loopback
 * only).
 */
export function ingestKeyCheck(keys: readonly string[]): IngestKeyCheck {
  const hashes = keys.map(digest);
  return (authorization, apiKey) => {
    if (hashes.length === 0) return true;
    const presented = presentedKey(authorization, apiKey);
    if (presented === undefined) return false;
    const hash = digest(presented);
    return hashes.some((h) => timingSafeEqual(h, hash));
  };
}

/** Whether the request presents any key (a wrong one counts as a failed authentication; none does not). */
export function presentsKey(authorization: unknown, apiKey: unknown): boolean {
  return presentedKey(authorization, apiKey) !== undefined;
}

function presentedKey(authorization: unknown, apiKey: unknown): string | undefined {
  const header = typeof authorization === 'string' ? authorization : '';
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (basic) {
    const credentials = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = credentials.indexOf(':');
    return colon < 0 ? undefined : credentials.slice(colon + 1);
  }
  return typeof apiKey === 'string' && apiKey.trim() !== '' ? apiKey.trim() : undefined;
}
