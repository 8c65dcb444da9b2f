import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * INGEST_KEYS check: the key comes as `Authorization: Bearer <key>` or `x-api-key: <key>` and is compared in
 * constant time. With no keys configured every request passes (the collector then listens on loopback only).
 */
export function ingestKeyCheck(keys: readonly string[]): (headers: IncomingHttpHeaders) => boolean {
  const hashes = keys.map(digest);
  return (headers) => {
    if (hashes.length === 0) return true;
    const presented = presentedKey(headers);
    if (presented === undefined) return false;
    const hash = digest(presented);
    return hashes.some((h) => timingSafeEqual(h, hash));
  };
}

/** Whether the request presents any key (a wrong one counts as a failed authentication; none does not). */
export function presentsKey(req: { headers: IncomingHttpHeaders }): boolean {
  return presentedKey(req.headers) !== undefined;
}

function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  if (bearer) return bearer[1];
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.trim() !== '' ? apiKey.trim() : undefined;
}
