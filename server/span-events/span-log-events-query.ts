import type { Store } from '../store/store.js';

/** A GenAI event received as a log record, as the trace API shows it among its span's events. */
export interface LogEvent {
  time: string;
  timeUnixNano: string;
  name: string;
  /** Its attributes, and its body under `body` when it has one (the deprecated message events keep content there). */
  attributes: Record<string, string>;
  source: 'log';
}

interface Row {
  SpanId: string;
  Timestamp: string;
  TimeUnixNano: string;
  EventName: string;
  Body: string;
  Attributes: Record<string, string>;
}

/** The log events of a trace by span id, oldest first; a record received twice (a retried export) shows once. */
export async function spanLogEvents(store: Store, traceId: string): Promise<Map<string, LogEvent[]>> {
  const rows = await store.query<Row>(
    `SELECT SpanId, Timestamp, toString(toUnixTimestamp64Nano(Timestamp)) AS TimeUnixNano, EventName, Body, Attributes
     FROM span_log_events
     WHERE TraceId = {traceId:String}
     ORDER BY Timestamp
     LIMIT 1 BY SpanId, Timestamp, EventName, Body, ScoreId
     LIMIT 10000`,
    { traceId },
  );
  const bySpan = new Map<string, LogEvent[]>();
  for (const r of rows) {
    const event: LogEvent = {
      time: r.Timestamp,
      timeUnixNano: r.TimeUnixNano,
      name: r.EventName,
      attributes: r.Body === '' ? r.Attributes : { ...r.Attributes, body: r.Body },
      source: 'log',
    };
    bySpan.set(r.SpanId, [...(bySpan.get(r.SpanId) ?? []), event]);
  }
  return bySpan;
}
