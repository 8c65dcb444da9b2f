import { badRequest } from '../http/errors.js';

/** Position after the last trace of a page: its start (Unix ns, exact) and id; pages run newest first. */
export interface TraceCursor {
  startNs: string;
  traceId: string;
}

/** The cursor is opaque to clients: base64url of a small JSON object. */
export function encodeCursor(cursor: TraceCursor): string {
  return Buffer.from(JSON.stringify([cursor.startNs, cursor.traceId])).toString('base64url');
}

export function decodeCursor(text: string): TraceCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === 'string' &&
    /^\d{1,20}$/.test(value[0]) &&
    typeof value[1] === 'string' &&
    /^[0-9a-f]{32}$/.test(value[1])
  ) {
    return { startNs: value[0], traceId: value[1] };
  }
  throw badRequest('cursor is not a cursor this API returned', 'cursor');
}
