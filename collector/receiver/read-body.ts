import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** Why a body could not be read: answered 413 (too large) or 400 (corrupt or truncated gzip). */
export class BodyError extends Error {
  constructor(
    readonly reason: 'too_large' | 'bad_gzip',
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/**
 * Reads the request body, gunzipping it as it streams when `gzip` is set, and stops as soon as the decompressed
 * size passes `maxBytes` — so a gzip bomb costs at most `maxBytes` of memory, never its expanded size.
 */
export async function readBody(req: IncomingMessage, gzip: boolean, maxBytes: number): Promise<Buffer> {
  const tooLarge = () =>
    new BodyError(
      'too_large',
      `request body is larger than ${maxBytes} bytes after decompression (OTLP_MAX_BODY_BYTES)`,
    );
  const declared = Number(req.headers['content-length']);
  if (!gzip && Number.isFinite(declared) && declared > maxBytes) throw tooLarge();

  let stream: Readable = req;
  if (gzip) {
    const gunzip = createGunzip();
    req.on('error', (err) => gunzip.destroy(err));
    stream = req.pipe(gunzip);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        stream.destroy();
        throw tooLarge();
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof BodyError) throw err;
    if (gzip && (err as { code?: string }).code?.startsWith('Z_')) {
      throw new BodyError('bad_gzip', `request body is not valid gzip: ${(err as Error).message}`);
    }
    throw err;
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}
