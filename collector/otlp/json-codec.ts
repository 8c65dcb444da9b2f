import { OtlpDecodeError } from './decode-error.js';
import { attributes, enumValue, id, isolate, list, object, optionalObject, string, time } from './json-fields.js';
import { newAttributes, SPAN_KINDS, STATUS_CODES, type ResourceSpans, type ScopeSpans, type Span } from './span.js';
import type { TraceExport } from './span.js';

/**
 * Decodes an OTLP/JSON ExportTraceServiceRequest (protobuf JSON mapping with OTLP's exceptions, json-fields.ts).
 * A value that cannot be decoded costs only what it describes: inside a span, that span (rejected with the field
 * path and the problem); in a resource or scope, the spans under it. Only a body whose structure is wrong (not
 * JSON, `resourceSpans` not a list) fails as a whole. Values that are well-formed but invalid (an id of the wrong
 * length, a time in the future) are left to span validation.
 */
export function decodeJsonTraces(text: string): TraceExport {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new OtlpDecodeError(`body is not valid JSON: ${(err as Error).message}`);
  }
  const request = object(body, 'body');
  return list(request.resourceSpans, 'resourceSpans').map((rsValue, i) => {
    const path = `resourceSpans[${i}]`;
    const rs = object(rsValue, path);
    const out: ResourceSpans = { resource: newAttributes(), scopeSpans: [] };
    isolate(out, () => {
      out.resource = attributes(
        optionalObject(rs.resource, `${path}.resource`)?.attributes,
        `${path}.resource.attributes`,
      );
    });
    out.scopeSpans = list(rs.scopeSpans, `${path}.scopeSpans`).map((ssValue, j) => {
      const ssPath = `${path}.scopeSpans[${j}]`;
      const ss = object(ssValue, ssPath);
      const scopeSpans: ScopeSpans = { scope: { name: '', version: '' }, spans: [] };
      isolate(scopeSpans, () => {
        const scope = optionalObject(ss.scope, `${ssPath}.scope`);
        scopeSpans.scope = {
          name: string(scope?.name, `${ssPath}.scope.name`),
          version: string(scope?.version, `${ssPath}.scope.version`),
        };
      });
      scopeSpans.spans = list(ss.spans, `${ssPath}.spans`).map((s, k) => decodeSpan(s, `${ssPath}.spans[${k}]`));
      return scopeSpans;
    });
    return out;
  });
}

function decodeSpan(value: unknown, path: string): Span {
  const s = object(value, path);
  try {
    return span(s, path);
  } catch (err) {
    if (!(err instanceof OtlpDecodeError)) throw err;
    return malformedSpan(s, err.message);
  }
}

/** A span that could not be decoded, with what can be told of it for the partial-success message. */
function malformedSpan(s: Record<string, unknown>, malformed: string): Span {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    traceId: text(s.traceId),
    spanId: text(s.spanId),
    parentSpanId: '',
    traceState: '',
    name: text(s.name),
    kind: 'Unspecified',
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: newAttributes(),
    events: [],
    links: [],
    statusCode: 'Unset',
    statusMessage: '',
    malformed,
  };
}

function span(s: Record<string, unknown>, path: string): Span {
  const status = optionalObject(s.status, `${path}.status`);
  return {
    traceId: id(s.traceId, `${path}.traceId`),
    spanId: id(s.spanId, `${path}.spanId`),
    parentSpanId: id(s.parentSpanId, `${path}.parentSpanId`),
    traceState: string(s.traceState, `${path}.traceState`),
    name: string(s.name, `${path}.name`),
    kind: enumValue(s.kind, SPAN_KINDS, 'SPAN_KIND_', `${path}.kind`),
    startTimeUnixNano: time(s.startTimeUnixNano, `${path}.startTimeUnixNano`),
    endTimeUnixNano: time(s.endTimeUnixNano, `${path}.endTimeUnixNano`),
    attributes: attributes(s.attributes, `${path}.attributes`),
    events: list(s.events, `${path}.events`).map((eValue, i) => {
      const e = object(eValue, `${path}.events[${i}]`);
      return {
        timeUnixNano: time(e.timeUnixNano, `${path}.events[${i}].timeUnixNano`),
        name: string(e.name, `${path}.events[${i}].name`),
        attributes: attributes(e.attributes, `${path}.events[${i}].attributes`),
      };
    }),
    links: list(s.links, `${path}.links`).map((lValue, i) => {
      const l = object(lValue, `${path}.links[${i}]`);
      return {
        traceId: id(l.traceId, `${path}.links[${i}].traceId`),
        spanId: id(l.spanId, `${path}.links[${i}].spanId`),
        traceState: string(l.traceState, `${path}.links[${i}].traceState`),
        attributes: attributes(l.attributes, `${path}.links[${i}].attributes`),
      };
    }),
    statusCode: enumValue(status?.code, STATUS_CODES, 'STATUS_CODE_', `${path}.status.code`),
    statusMessage: string(status?.message, `${path}.status.message`),
  };
}
