import type { Store } from '../../server/store/store.js';
import type { OtlpEncoding } from '../ingest.js';
import type { CollectorMetrics } from '../metrics.js';
import { NothingAcceptedError, type ExportResult } from '../receiver/export-result.js';
import { boundLogRecord, boundResource, Truncations, type StringLimits } from '../validate/bound-strings.js';
import { StoreWriteError } from '../write-buffer.js';
import { decodeJsonLogs } from './logs-json-codec.js';
import { decodeProtobufLogs } from './logs-protobuf-codec.js';
import { classifyRecord, SPAN_LOG_EVENT_COLUMNS, type SpanLogEventRow, type StoredKind } from './span-log-events.js';

export interface LogsIngestOptions {
  store: Store;
  metrics: CollectorMetrics;
  limits: StringLimits;
  /** Called after evaluation results were stored, so that they are linked to their spans without waiting. */
  onEvaluations?: () => void;
}

/**
 * `/v1/logs` and LogsService/Export: decodes the request, keeps the GenAI events tied to a span (span-log-events.ts)
 * with their strings bounded, and stores them in one insert before answering — they are few next to spans, so they
 * skip the span write buffer. Malformed records are rejected in `partial_success`; unrelated and unlinked records
 * are only counted (ordinary application logs are not an error of the client).
 */
export function createLogsIngest({ store, metrics, limits, onEvaluations }: LogsIngestOptions) {
  return async (body: Uint8Array, encoding: OtlpEncoding): Promise<ExportResult> => {
    const request =
      encoding === 'protobuf' ? decodeProtobufLogs(body) : decodeJsonLogs(Buffer.from(body).toString('utf8'));
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const cuts = new Truncations();
    const rows: SpanLogEventRow[] = [];
    const stored = new Map<StoredKind, number>();
    let received = 0;
    let malformed = 0;
    let example = '';
    for (const resourceLogs of request) {
      boundResource(resourceLogs, limits, cuts);
      for (const scopeLogs of resourceLogs.scopeLogs) {
        for (const record of scopeLogs.records) {
          received++;
          const problem = resourceLogs.malformed ?? scopeLogs.malformed ?? record.malformed;
          if (problem !== undefined) {
            malformed++;
            example ||= problem;
            metrics.count(metrics.logRecordsDropped, 'malformed');
            continue;
          }
          boundLogRecord(record, limits, cuts);
          const classified = classifyRecord(record, resourceLogs.resource, nowNs);
          if ('dropped' in classified) {
            metrics.count(metrics.logRecordsDropped, classified.dropped);
            continue;
          }
          rows.push(classified.row);
          stored.set(classified.kind, (stored.get(classified.kind) ?? 0) + 1);
        }
      }
    }
    metrics.logRecordsReceived += received;
    for (const [kind, n] of cuts.counts) metrics.truncateStrings(kind, n);
    const message = [
      malformed > 0 ? `rejected ${malformed} log records: ${malformed} malformed (e.g. ${example})` : '',
      cuts.message(limits),
    ]
      .filter(Boolean)
      .join('; ');
    if (received > 0 && malformed === received) throw new NothingAcceptedError(message);
    if (rows.length > 0) {
      try {
        await store.insert('span_log_events', rows, SPAN_LOG_EVENT_COLUMNS);
      } catch (err) {
        throw new StoreWriteError(err);
      }
      for (const [kind, n] of stored) metrics.count(metrics.logRecordsStored, kind, n);
      if (stored.has('score')) onEvaluations?.();
    }
    return { rejected: malformed, errorMessage: message };
  };
}
