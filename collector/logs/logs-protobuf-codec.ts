import protobuf from 'protobufjs';
import { OtlpDecodeError } from '../otlp/decode-error.js';
import {
  anyValue,
  asBuffer,
  isolated,
  readKeyValue,
  readResource,
  readScope,
  readTime,
} from '../otlp/protobuf-codec.js';
import { close, embedded, FIXED64, hex, LENGTH, skip, tagOf, VARINT } from '../otlp/protobuf-wire.js';
import { newAttributes } from '../otlp/span.js';
import { emptyRecord, type LogRecord, type LogsExport, type ResourceLogs, type ScopeLogs } from './log-record.js';

/**
 * Decodes an OTLP/protobuf ExportLogsServiceRequest (otlp.proto) with the span decoder's readers and its isolation:
 * a record (resource, scope) that cannot be decoded is skipped whole and marked malformed.
 */
export function decodeProtobufLogs(body: Uint8Array): LogsExport {
  const r = protobuf.Reader.create(asBuffer(body));
  try {
    const request: LogsExport = [];
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag === tagOf(1, LENGTH)) request.push(readResourceLogs(r, `resourceLogs[${request.length}]`));
      else skip(r, tag);
    }
    return request;
  } catch (err) {
    throw new OtlpDecodeError(`body is not a valid protobuf ExportLogsServiceRequest: ${(err as Error).message}`);
  }
}

function readResourceLogs(r: protobuf.Reader, path: string): ResourceLogs {
  const out: ResourceLogs = { resource: newAttributes(), scopeLogs: [] };
  const end = embedded(r);
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(1, LENGTH)) {
      out.resource = isolated(
        r,
        `${path}.resource`,
        (e) => readResource(r, e),
        (m) => ((out.malformed = m), newAttributes()),
      );
    } else if (tag === tagOf(2, LENGTH))
      out.scopeLogs.push(readScopeLogs(r, `${path}.scopeLogs[${out.scopeLogs.length}]`));
    else skip(r, tag);
  }
  close(r, end);
  return out;
}

function readScopeLogs(r: protobuf.Reader, path: string): ScopeLogs {
  const out: ScopeLogs = { scope: { name: '', version: '' }, records: [] };
  const end = embedded(r);
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(1, LENGTH)) {
      out.scope = isolated(
        r,
        `${path}.scope`,
        (e) => readScope(r, e),
        (m) => ((out.malformed = m), { name: '', version: '' }),
      );
    } else if (tag === tagOf(2, LENGTH)) {
      const recordPath = `${path}.logRecords[${out.records.length}]`;
      out.records.push(
        isolated(
          r,
          recordPath,
          (e) => readRecord(r, e),
          (malformed) => ({ ...emptyRecord(), malformed }),
        ),
      );
    } else skip(r, tag);
  }
  close(r, end);
  return out;
}

function readRecord(r: protobuf.Reader, end: number): LogRecord {
  const record = emptyRecord();
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case tagOf(1, FIXED64):
        record.timeUnixNano = readTime(r, 'timeUnixNano');
        break;
      case tagOf(11, FIXED64):
        record.observedTimeUnixNano = readTime(r, 'observedTimeUnixNano');
        break;
      case tagOf(2, VARINT):
        record.severityNumber = r.int32();
        break;
      case tagOf(3, LENGTH):
        record.severityText = r.string();
        break;
      case tagOf(5, LENGTH):
        record.body = anyValue(r, false, 0);
        break;
      case tagOf(6, LENGTH):
        readKeyValue(r, record.attributes);
        break;
      case tagOf(9, LENGTH):
        record.traceId = hex(r);
        break;
      case tagOf(10, LENGTH):
        record.spanId = hex(r);
        break;
      case tagOf(12, LENGTH):
        record.eventName = r.string();
        break;
      default:
        skip(r, tag);
    }
  }
  return record;
}
