import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportTraceServiceRequest } from '../../collector/otlp/proto-schema.js';
import type { Logger } from '../../server/log.js';
import { waitFor } from '../helpers/wait-for.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { jsonRequest, jsonSpan, newSpanId, newTraceId, nowNs, postTraces } from './otlp-request.js';

/**
 * What keeps one client from hurting everyone (issue 9): every stored string of a span is bounded and counted, the
 * decoded bytes in flight are bounded across requests, and an upload the client abandons is counted, not logged
 * as an error.
 */
const INFLIGHT_LIMIT = 48 * 1024 * 1024;
const logged: { level: string; message: string; fields: Record<string, unknown> }[] = [];
const log: Logger = {
  info: (message, fields = {}) => logged.push({ level: 'info', message, fields }),
  warn: (message, fields = {}) => logged.push({ level: 'warn', message, fields }),
  error: (message, fields = {}) => logged.push({ level: 'error', message, fields }),
};

let tl: TestTracelane;
beforeAll(async () => {
  tl = await startTestTracelane({ OTLP_MAX_INFLIGHT_BYTES: String(INFLIGHT_LIMIT) }, { log });
});
afterAll(() => tl.close());

interface Health {
  collector: { stringsTruncated: Record<string, number>; inflightBytes: number; inflightBytesPeak: number };
}
const health = async () => (await (await fetch(`${tl.apiUrl}/api/v1/health`)).json()) as Health;

/** One span per request, as protobuf: the fastest body for the collector and for this test to build. */
function protobufSpan(traceId: string, span: Record<string, unknown>, resource: Record<string, string> = {}) {
  const start = BigInt(nowNs(-50));
  return ExportTraceServiceRequest.encode(
    ExportTraceServiceRequest.fromObject({
      resourceSpans: [
        {
          resource: { attributes: Object.entries(resource).map(([key, v]) => ({ key, value: { stringValue: v } })) },
          scopeSpans: [
            {
              scope: { name: 'bounds-test' },
              spans: [
                {
                  traceId: Buffer.from(traceId, 'hex'),
                  spanId: Buffer.from(newSpanId(), 'hex'),
                  startTimeUnixNano: start.toString(),
                  endTimeUnixNano: (start + 1_000_000n).toString(),
                  ...span,
                },
              ],
            },
          ],
        },
      ],
    }),
  ).finish();
}

/** Copies of an encoded request, each under its own trace id (encoding megabytes once, not once per request). */
function copiesOf(template: Uint8Array, templateTraceId: string, traceIds: string[]): Buffer[] {
  const at = Buffer.from(template).indexOf(Buffer.from(templateTraceId, 'hex'));
  return traceIds.map((id) => {
    const copy = Buffer.from(template);
    Buffer.from(id, 'hex').copy(copy, at);
    return copy;
  });
}

/** POSTs a protobuf body; a connection the server closed while idle (keep-alive race) is retried, as OTLP clients do. */
async function postProtobuf(body: Uint8Array, gzip = false): Promise<Awaited<ReturnType<typeof postTraces>>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await postTraces(tl.otlpUrl, body, { contentType: 'application/x-protobuf', gzip });
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

describe('bounded span strings', () => {
  // Gzipped (the collector bounds the decompressed size): 550 MB of names cost little to send on a busy machine.
  it('stores spans with a 10 MiB name truncated, and the trace list stays small', { timeout: 180_000 }, async () => {
    const templateId = newTraceId();
    const template = protobufSpan(templateId, { name: 'n'.repeat(10 * 1024 * 1024) });
    const traceIds = Array.from({ length: 12 }, newTraceId); // the report had 55; a dozen shows the same bound
    const bodies = copiesOf(template, templateId, traceIds);
    for (let i = 0; i < bodies.length; i += 4) {
      const statuses = await Promise.all(
        bodies.slice(i, i + 4).map(async (body) => (await postProtobuf(body, true)).status),
      );
      expect(statuses.every((s) => s === 200)).toBe(true);
    }
    const res = await fetch(`${tl.apiUrl}/api/v1/traces?limit=100`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.length).toBeLessThan(1024 * 1024);
    const list = JSON.parse(text) as { traces: { traceId: string; rootSpanName: string }[] };
    const mine = list.traces.filter((t) => traceIds.includes(t.traceId));
    expect(mine).toHaveLength(12);
    for (const t of mine) expect(t.rootSpanName).toBe('n'.repeat(199) + '…'); // list rows carry summaries
    const one = await fetch(`${tl.apiUrl}/api/v1/traces/${traceIds[0]}`);
    const trace = (await one.json()) as { spans: { name: string }[] };
    expect(trace.spans[0]!.name).toBe('n'.repeat(1024)); // the stored name, cut at NAME_MAX_CHARS
    expect((await health()).collector.stringsTruncated.span_name).toBeGreaterThanOrEqual(12);
  });

  it('bounds and counts every kind of string: keys, event names, status, scope, service, links, trace state', async () => {
    const long = 'x'.repeat(5000);
    const traceId = newTraceId();
    const before = (await health()).collector.stringsTruncated;
    const body = jsonRequest({ 'service.name': long }, [
      {
        ...jsonSpan(
          {
            name: 'bounded',
            attributes: { [long]: 'long key', short: 'v' },
            events: [{ name: long, attributes: { [long]: 'event key' } }],
            statusMessage: long,
          },
          traceId,
        ),
        ...{ traceState: long, links: [{ traceId: long, spanId: long, traceState: long, attributes: [] }] },
      },
    ]);
    body.resourceSpans[0]!.scopeSpans[0]!.scope = { name: long, version: long };
    const res = await postTraces(tl.otlpUrl, body);
    expect(res.status).toBe(200);
    expect(
      (JSON.parse(res.body.toString()) as { partialSuccess: { errorMessage: string } }).partialSuccess.errorMessage,
    ).toBe(
      'truncated 1 service_name (over 1024 characters), 2 scope (over 1024 characters), 1 trace_state (over 1024 characters), 2 attribute_key (over 1024 characters), 1 event_name (over 1024 characters), 3 link (over 1024 characters)',
    );
    const trace = (await (await fetch(`${tl.apiUrl}/api/v1/traces/${traceId}`)).json()) as {
      spans: {
        serviceName: string;
        scope: { name: string };
        attributes: Record<string, string>;
        events: { name: string; attributes: Record<string, string> }[];
        links: { traceId: string }[];
        traceState: string;
        status: { message: string };
      }[];
    };
    const [span] = trace.spans;
    expect(span!.serviceName).toHaveLength(1024);
    expect(span!.scope.name).toHaveLength(1024);
    expect(span!.attributes['x'.repeat(1024)]).toBe('long key');
    expect(span!.events[0]!.name).toHaveLength(1024);
    expect(span!.links[0]!.traceId).toHaveLength(1024);
    expect(span!.traceState).toHaveLength(1024);
    expect(span!.status.message).toBe(long); // status messages are bounded like values (ATTRIBUTE_VALUE_MAX_CHARS)
    const after = (await health()).collector.stringsTruncated;
    expect((after.attribute_key ?? 0) - (before.attribute_key ?? 0)).toBe(2);
    expect((after.link ?? 0) - (before.link ?? 0)).toBe(3);
    const metrics = await (await fetch(`${tl.otlpUrl}/metrics`)).text();
    expect(metrics).toMatch(/tracelane_collector_strings_truncated_total\{kind="event_name"\} [1-9]/);
  });
});

describe('bounded in-flight bytes', () => {
  it(
    'answers 429 with Retry-After beyond OTLP_MAX_INFLIGHT_BYTES and never holds more; retries are stored',
    { timeout: 180_000 },
    async () => {
      const value = 'v'.repeat(150_000);
      const attributes = Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: { stringValue: value } }));
      const templateId = newTraceId();
      const traceIds = Array.from({ length: 8 }, newTraceId);
      const bodies = copiesOf(protobufSpan(templateId, { name: 'big', attributes }), templateId, traceIds);
      expect(bodies[0]!.length).toBeGreaterThan(15_000_000);

      const first = await Promise.all(bodies.map((b) => postProtobuf(b)));
      const refused = first.filter((r) => r.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      expect(first.every((r) => r.status === 200 || r.status === 429)).toBe(true);
      expect(refused[0]!.headers.get('retry-after')).toBe('1');
      const { collector } = await health();
      expect(collector.inflightBytesPeak).toBeLessThanOrEqual(INFLIGHT_LIMIT);
      expect(collector.inflightBytes).toBe(0);

      let pending = bodies.filter((_, i) => first[i]!.status === 429);
      while (pending.length > 0) {
        await new Promise((resolve) => setTimeout(resolve, 1000)); // Retry-After: 1, as an OTLP client waits
        const again = await Promise.all(pending.map((b) => postProtobuf(b)));
        pending = pending.filter((_, i) => again[i]!.status === 429);
      }
      const stored = await tl.store.query<{ n: number }>(
        'SELECT uniqExact(TraceId) AS n FROM otel_traces WHERE TraceId IN {ids:Array(String)}',
        { ids: traceIds },
      );
      expect(stored[0]!.n).toBe(8);
    },
  );
});

describe('aborted uploads', () => {
  it('counts an upload the client abandons, answers nothing and logs no error or stack trace', async () => {
    const url = new URL('/v1/traces', tl.otlpUrl);
    await new Promise<void>((resolve) => {
      const req = request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', 'content-length': String(5 * 1024 * 1024) },
      });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(1024 * 1024), () => setImmediate(() => req.destroy()));
      req.on('close', () => resolve());
    });
    await waitFor('the aborted upload to be counted', async () => {
      const text = await (await fetch(`${tl.otlpUrl}/metrics`)).text();
      return /tracelane_collector_requests_rejected_total\{reason="aborted"\} [1-9]/.test(text) ? true : undefined;
    });
    expect(logged.filter((l) => l.level === 'error')).toEqual([]);
    expect(JSON.stringify(logged)).not.toMatch(/\n\s+at /);
  });
});
