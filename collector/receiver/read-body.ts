import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { InflightShare } from './inflight-budget.js';

/**
 * Why a body could not be read: 413 (too large), 400 (corrupt or truncated gzip), 429 (the in-flight bound is
 * reached: retry), or the client went away mid-upload (nothing to answer).
 */
export class BodyError extends Error {
  constructor(
    readonly reason: 'too_large' | 'bad_gzip' | 'inflight_bytes' | 'aborted',
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/**
 * Reads the request body, gunzipping it as it streams when `gzip` is set. It stops as soon as the decompressed size
 * passes `maxBytes` — so a gzip bomb costs at most `maxBytes` of memory, never its expanded size — or as soon as the
 * decompressed bytes do not fit the in-flight budget (`share`: the declared length is taken before the first byte is
 * read, the rest as it comes). The unread rest of a refused body is discarded so the connection stays usable.
 */
export async function readBody(
  req: IncomingMessage,
  gzip: boolean,
  maxBytes: number,
  share: InflightShare,
): Promise<Buffer> {
  const tooLarge = () =>
    new BodyError(
      'too_large',
      `request body is larger than ${maxBytes} bytes after decompression (OTLP_MAX_BODY_BYTES)`,
    );
  const busy = () =>
    new BodyError(
      'inflight_bytes',
      'the collector is processing as many export bytes as it may (OTLP_MAX_INFLIGHT_BYTES); retry later',
    );
  const declared = Number(req.headers['content-length']);
  if (!gzip && Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const reserved = Number.isFinite(declared) && declared > 0 ? Math.min(declared, maxBytes) : 0;
  if (!share.take(reserved)) {
    req.resume();
    throw busy();
  }

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
      if (size > maxBytes) throw tooLarge();
      if (size > reserved && !share.take(Math.min(chunk.length, size - reserved))) throw busy();
      chunks.push(chunk);
    }
  } catch (err) {
    if (gzip) stream.destroy();
    if (err instanceof BodyError) {
      req.resume();
      throw err;
    }
    if (req.destroyed && !req.complete) throw new BodyError('aborted', 'the client closed the connection mid-upload');
    if (gzip && (err as { code?: string }).code?.startsWith('Z_')) {
      throw new BodyError('bad_gzip', `request body is not valid gzip: ${(err as Error).message}`);
    }
    throw err;
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}
