import type { LogRecord } from '../logs/log-record.js';
import type { Attributes, Scope, Span } from '../otlp/span.js';

/**
 * Every string a span stores is bounded, so that one absurd span (a 10 MiB name) cannot make the span table, the
 * trace list or the trace page unusable: names and identifiers to `nameChars` (NAME_MAX_CHARS), attribute values and
 * the status message to `valueChars` (ATTRIBUTE_VALUE_MAX_CHARS). A cut keeps the span; it is counted by kind, shown
 * at /metrics and in the health API, and reported to the client as a partial-success warning. Strings are cut in
 * place on the decoded request, before normalisation.
 */
export const TRUNCATION_KINDS = [
  'span_name',
  'attribute_key',
  'attribute_value',
  'event_name',
  'status_message',
  'scope',
  'service_name',
  'link',
  'trace_state',
  'log_body',
] as const;
export type TruncationKind = (typeof TRUNCATION_KINDS)[number];

export interface StringLimits {
  nameChars: number;
  valueChars: number;
}

const VALUE_KINDS: ReadonlySet<TruncationKind> = new Set(['attribute_value', 'status_message', 'log_body']);

/** Cuts counted by kind. */
export class Truncations {
  readonly counts = new Map<TruncationKind, number>();

  cut(kind: TruncationKind, text: string, maxChars: number): string {
    if (text.length <= maxChars) return text;
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    return text.slice(0, maxChars);
  }

  get total(): number {
    let n = 0;
    for (const count of this.counts.values()) n += count;
    return n;
  }

  /** The partial-success warning ('' when nothing was cut). */
  message(limits: StringLimits): string {
    if (this.counts.size === 0) return '';
    const parts = [...this.counts].map(([kind, n]) => {
      const max = VALUE_KINDS.has(kind) ? limits.valueChars : limits.nameChars;
      return `${n} ${kind} (over ${max} characters)`;
    });
    return `truncated ${parts.join(', ')}`;
  }
}

/** The resource's attributes (of spans or logs), with `service.name` (the ServiceName column) bounded like a name. */
export function boundResource(owner: { resource: Attributes }, limits: StringLimits, cuts: Truncations): void {
  const resource = boundAttributes(owner.resource, limits, cuts);
  const service = resource['service.name'];
  if (service !== undefined) resource['service.name'] = cuts.cut('service_name', service, limits.nameChars);
  owner.resource = resource;
}

export function boundLogRecord(record: LogRecord, limits: StringLimits, cuts: Truncations): void {
  record.eventName = cuts.cut('event_name', record.eventName, limits.nameChars);
  record.body = cuts.cut('log_body', record.body, limits.valueChars);
  record.attributes = boundAttributes(record.attributes, limits, cuts);
}

export function boundScope(scope: Scope, limits: StringLimits, cuts: Truncations): void {
  scope.name = cuts.cut('scope', scope.name, limits.nameChars);
  scope.version = cuts.cut('scope', scope.version, limits.nameChars);
}

export function boundSpan(span: Span, limits: StringLimits, cuts: Truncations): void {
  span.name = cuts.cut('span_name', span.name, limits.nameChars);
  span.traceState = cuts.cut('trace_state', span.traceState, limits.nameChars);
  span.statusMessage = cuts.cut('status_message', span.statusMessage, limits.valueChars);
  span.attributes = boundAttributes(span.attributes, limits, cuts);
  for (const event of span.events) {
    event.name = cuts.cut('event_name', event.name, limits.nameChars);
    event.attributes = boundAttributes(event.attributes, limits, cuts);
  }
  for (const link of span.links) {
    link.traceId = cuts.cut('link', link.traceId, limits.nameChars);
    link.spanId = cuts.cut('link', link.spanId, limits.nameChars);
    link.traceState = cuts.cut('link', link.traceState, limits.nameChars);
    link.attributes = boundAttributes(link.attributes, limits, cuts);
  }
}

/** Values cut in place; the object is rebuilt only when a key must be cut (the common case allocates nothing). */
function boundAttributes(attributes: Attributes, limits: StringLimits, cuts: Truncations): Attributes {
  let longKey = false;
  for (const key in attributes) {
    const value = attributes[key]!;
    if (value.length > limits.valueChars) attributes[key] = cuts.cut('attribute_value', value, limits.valueChars);
    if (key.length > limits.nameChars) longKey = true;
  }
  if (!longKey) return attributes;
  const bounded: Attributes = Object.create(null) as Attributes;
  for (const key in attributes) bounded[cuts.cut('attribute_key', key, limits.nameChars)] = attributes[key]!;
  return bounded;
}
