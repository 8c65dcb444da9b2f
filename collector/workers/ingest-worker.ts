import { parentPort, workerData } from 'node:worker_threads';
import { createExportIngest, type IngestSettings } from '../ingest.js';
import { OtlpDecodeError } from '../otlp/decode-error.js';
import type { IngestReply, IngestTask } from './ingest-pool.js';

/**
 * A worker thread of the ingest pool: decodes, validates, normalises and encodes one export request at a time,
 * and sends the Native block back by transfer (no copy).
 */
const ingest = createExportIngest(workerData as IngestSettings);
const port = parentPort!;

port.on('message', ({ id, body, encoding }: IngestTask) => {
  let reply: IngestReply;
  try {
    reply = { id, result: ingest(body, encoding) };
  } catch (err) {
    const decode = err instanceof OtlpDecodeError;
    reply = { id, error: { decode, message: decode ? err.message : ((err as Error).stack ?? String(err)) } };
  }
  const native = reply.result?.batch.native;
  port.postMessage(reply, native ? [native.buffer as ArrayBuffer] : []);
});
