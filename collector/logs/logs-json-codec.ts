import { OtlpDecodeError } from '../otlp/decode-error.js';
import {
  anyValueText,
  attributes,
  id,
  isolate,
  list,
  object,
  optionalObject,
  string,
  time,
} from '../otlp/json-fields.js';
import { newAttributes } from '../otlp/span.js';
import { emptyRecord, type LogsExport, type ResourceLogs, type ScopeLogs, type LogRecord } from './log-record.js';

/**
 * Decodes an OTLP/JSON ExportLogsServiceRequest with the span codec's mapping and per-item isolation: a value that
 * cannot be decoded costs its record, or the records under its resource or scope.
 */
export function decodeJsonLogs(text: string): LogsExport {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new OtlpDecodeError(`body is not valid JSON: ${(err as Error).message}`);
  }
  return list(object(body, 'body').resourceLogs, 'resourceLogs').map((rlValue, i) => {
    const path = `resourceLogs[${i}]`;
    const rl = object(rlValue, path);
    const out: ResourceLogs = { resource: newAttributes(), scopeLogs: [] };
    isolate(out, () => {
      out.resource = attributes(
        optionalObject(rl.resource, `${path}.resource`)?.attributes,
        `${path}.resource.attributes`,
      );
    });
    out.scopeLogs = list(rl.scopeLogs, `${path}.scopeLogs`).map((sl, j) => scopeLogs(sl, `${path}.scopeLogs[${j}]`));
    return out;
  });
}

function scopeLogs(value: unknown, path: string): ScopeLogs {
  const sl = object(value, path);
  const out: ScopeLogs = { scope: { name: '', version: '' }, records: [] };
  isolate(out, () => {
    const scope = optionalObject(sl.scope, `${path}.scope`);
    out.scope = {
      name: string(scope?.name, `${path}.scope.name`),
      version: string(scope?.version, `${path}.scope.version`),
    };
  });
  out.records = list(sl.logRecords, `${path}.logRecords`).map((r, k) => record(r, `${path}.logRecords[${k}]`));
  return out;
}

function record(value: unknown, path: string): LogRecord {
  const r = object(value, path);
  const out = emptyRecord();
  isolate(out, () => {
    out.timeUnixNano = time(r.timeUnixNano, `${path}.timeUnixNano`);
    out.observedTimeUnixNano = time(r.observedTimeUnixNano, `${path}.observedTimeUnixNano`);
    out.severityNumber = severity(r.severityNumber, `${path}.severityNumber`);
    out.severityText = string(r.severityText, `${path}.severityText`);
    out.body = anyValueText(r.body, `${path}.body`);
    out.attributes = attributes(r.attributes, `${path}.attributes`);
    out.traceId = id(r.traceId, `${path}.traceId`);
    out.spanId = id(r.spanId, `${path}.spanId`);
    out.eventName = string(r.eventName, `${path}.eventName`);
  });
  return out;
}

const SEVERITY_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/** SeverityNumber as its number (0–24) or its name (`SEVERITY_NUMBER_INFO`, `SEVERITY_NUMBER_WARN2`). */
function severity(value: unknown, path: string): number {
  if (value == null) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 24) return value;
  const name = typeof value === 'string' ? /^SEVERITY_NUMBER_([A-Z]+)([234]?)$/.exec(value) : null;
  const level = name ? SEVERITY_LEVELS.indexOf(name[1]!) : -1;
  if (value === 'SEVERITY_NUMBER_UNSPECIFIED') return 0;
  if (level >= 0) return level * 4 + 1 + (name![2] ? Number(name![2]) - 1 : 0);
  throw new OtlpDecodeError(`${path}: expected a severity number 0–24 or a SEVERITY_NUMBER_* name`);
}
