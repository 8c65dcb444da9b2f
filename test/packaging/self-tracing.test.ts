import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';

/** What an OTLP/HTTP JSON export carries, as far as this test reads it. */
interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  status?: { code?: number };
  attributes: { key: string; value: { stringValue?: string; intValue?: number | string } }[];
}
interface ExportRequest {
  resourceSpans: {
    resource: { attributes: ExportedSpan['attributes'] };
    scopeSpans: { spans: ExportedSpan[] }[];
  }[];
}

/** A stand-in OTLP receiver that keeps what it is sent. */
function startReceiver(): Promise<{ url: string; exports: ExportRequest[]; server: Server }> {
  const exports: ExportRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      exports.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ExportRequest);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}/v1/traces`, exports, server });
    }),
  );
}

const attr = (span: ExportedSpan, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
};

describe('self-tracing', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let tracelane: TestTracelane;
  let spans: ExportedSpan[];
  const parentTrace = '0af7651916cd43dd8448eb211c80319c';
  const parentSpan = 'b7ad6b7169203331';

  beforeAll(async () => {
    receiver = await startReceiver();
    tracelane = await startTestTracelane({
      SELF_TRACES_OTLP_ENDPOINT: receiver.url,
      SELF_TRACES_SERVICE_NAME: 'tracelane-under-test',
    });
    await fetch(`${tracelane.apiUrl}/api/v1/environments/production`, {
      headers: { traceparent: `00-${parentTrace}-${parentSpan}-01` },
    });
    await fetch(`${tracelane.apiUrl}/api/v1/no-such-route`);
    await fetch(`${tracelane.apiUrl}/api/v1/health`);
    await fetch(`${tracelane.otlpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceSpans: [] }),
    });
    await tracelane.close(); // flushes the span exporter
    spans = receiver.exports.flatMap((e) => e.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
  });
  afterAll(() => new Promise<void>((resolve) => receiver.server.close(() => resolve())));

  it('exports one SERVER span per request, named by method and route, under the configured service name', () => {
    const resource = receiver.exports[0]?.resourceSpans[0]?.resource.attributes ?? [];
    expect(resource).toContainEqual({ key: 'service.name', value: { stringValue: 'tracelane-under-test' } });
    const span = spans.find((s) => s.name === 'GET /api/v1/environments/:name');
    expect(span).toBeDefined();
    expect(span?.kind).toBe(2); // SPAN_KIND_SERVER
    expect(attr(span!, 'http.route')).toBe('/api/v1/environments/:name');
    expect(attr(span!, 'url.path')).toBe('/api/v1/environments/production');
    expect(attr(span!, 'http.request.method')).toBe('GET');
    expect(attr(span!, 'http.response.status_code')).toBe(200);
    expect(attr(span!, 'tracelane.component')).toBe('api');
  });

  it("continues the caller's W3C trace context", () => {
    const span = spans.find((s) => s.name === 'GET /api/v1/environments/:name');
    expect(span?.traceId).toBe(parentTrace);
    expect(span?.parentSpanId).toBe(parentSpan);
  });

  it('traces the collector too, names unmatched requests by method only, and skips probes', () => {
    const collector = spans.find((s) => attr(s, 'tracelane.component') === 'collector');
    expect(collector && attr(collector, 'url.path')).toBe('/v1/traces');
    const unmatched = spans.find((s) => attr(s, 'url.path') === '/api/v1/no-such-route');
    expect(unmatched?.name).toBe('GET');
    expect(unmatched && attr(unmatched, 'http.response.status_code')).toBe(404);
    expect(spans.some((s) => attr(s, 'url.path') === '/api/v1/health')).toBe(false);
    expect(spans).toHaveLength(3);
  });
});
