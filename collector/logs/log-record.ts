import { newAttributes, type Attributes, type Scope } from '../otlp/span.js';

/**
 * The internal form of an OTLP logs export, shared by the protobuf and JSON codecs like the span types: attribute
 * values and the body already stringified (maps and arrays as JSON), ids lowercase hex, times exact nanoseconds.
 */
export interface LogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  /** The body as text ('' when unset). */
  body: string;
  attributes: Attributes;
  /** '' when the record is not tied to a trace. */
  traceId: string;
  spanId: string;
  eventName: string;
  /** Set when the record could not be decoded: the field and the problem. */
  malformed?: string;
}

export interface ScopeLogs {
  scope: Scope;
  records: LogRecord[];
  malformed?: string;
}

export interface ResourceLogs {
  resource: Attributes;
  scopeLogs: ScopeLogs[];
  malformed?: string;
}

/** A decoded `ExportLogsServiceRequest`. */
export type LogsExport = ResourceLogs[];

export function emptyRecord(): LogRecord {
  return {
    timeUnixNano: 0n,
    observedTimeUnixNano: 0n,
    severityNumber: 0,
    severityText: '',
    body: '',
    attributes: newAttributes(),
    traceId: '',
    spanId: '',
    eventName: '',
  };
}
