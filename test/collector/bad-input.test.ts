import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportTraceServiceRequest, ExportTraceServiceResponse, RpcStatus } from '../../collector/otlp/proto-schema.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { jsonRequest, jsonSpan, newSpanId, newTraceId, nowNs, postTraces } from './otlp-request.js';

/** Every bad input of the collector: the status, a message naming the problem, and that valid spans are kept. */
let tl: TestTracelane;
beforeAll(async () => {
  tl = await startTestTracelane({
    SPAN_MAX_ATTRIBUTES: '20',
    ATTRIBUTE_VALUE_MAX_CHARS: '1000',
    OTLP_MAX_BODY_BYTES: '1048576',
  });
});
afterAll(() => tl.close());

const rpcStatusOf = (body: Buffer) => RpcStatus.toObject(RpcStatus.decode(body)) as { code: number; message: string };
const jsonBody = (body: Buffer) => JSON.parse(body.toString()) as Record<string, unknown>;

async function spansOfTrace(traceId: string): Promise<{ spanId: string; attributes: Record<string, string> }[]> {
  const res = await fetch(`${tl.apiUrl}/api/v1/traces/${traceId}`);
  if (res.status === 404) return [];
  return ((await res.json()) as { spans: { spanId: string; attributes: Record<string, string> }[] }).spans;
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${tl.otlpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return Number(line?.split(' ')[1]);
}

describe('whole-request errors', () => {
  it('answers 400 with a protobuf google.rpc.Status for an unparsable protobuf body', async () => {
    const res = await postTraces(tl.otlpUrl, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), {
      contentType: 'application/x-protobuf',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/x-protobuf');
    const status = rpcStatusOf(res.body);
    expect(status.code).toBe(3);
    expect(status.message).toContain('not a valid protobuf ExportTraceServiceRequest');
  });

  it('answers 400 with a JSON status for unparsable JSON', async () => {
    const res = await postTraces(tl.otlpUrl, '{"resourceSpans": [', {});
    expect(res.status).toBe(400);
    expect(jsonBody(res.body).code).toBe(3);
    expect(jsonBody(res.body).message).toContain('not valid JSON');
  });

  it('names the field path of a JSON body with the wrong structure', async () => {
    const res = await postTraces(tl.otlpUrl, { resourceSpans: [{ scopeSpans: { spans: [] } }] });
    expect(res.status).toBe(400);
    expect(jsonBody(res.body).message).toBe('resourceSpans[0].scopeSpans: expected an array');
  });

  it('answers 400 naming the field when no span of the request can be decoded, never 500 or 503', async () => {
    // 10,000 levels, as text: JSON.stringify would itself overflow the stack at this depth.
    const nested =
      '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(10_000) + '{"stringValue":"x"}' + '}]}}'.repeat(10_000);
    const deepSpan = JSON.stringify(jsonRequest({ 'service.name': 'svc' }, [jsonSpan({ name: 'deep' })])).replace(
      '"attributes":[]',
      `"attributes":[{"key":"a","value":${nested}}]`,
    );
    const cases: [unknown, string][] = [
      [deepSpan, 'spans[0].attributes[0].value: expected a value nested at most 64 levels deep'],
      [
        jsonRequest({}, [jsonSpan({ name: 'late', events: [{ name: 'e', timeUnixNano: '18446744073709551615' }] })]),
        'spans[0].events[0].timeUnixNano: expected a time in Unix nanoseconds before the year 2262',
      ],
      [jsonRequest({}, [jsonSpan({ name: 'bad \ud83d text' })]), 'spans[0].name: expected valid Unicode text'],
      [
        jsonRequest({ 'service.name': '\udc00' }, [jsonSpan({ name: 'ok' })]),
        'resource.attributes[0].value.stringValue',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await postTraces(tl.otlpUrl, body);
      expect(res.status, field).toBe(400);
      expect(jsonBody(res.body).code).toBe(3);
      expect(jsonBody(res.body).message).toContain(field);
    }
  });

  it('answers 400 for a truncated gzip body', async () => {
    const gz = gzipSync(Buffer.from(JSON.stringify(jsonRequest({}, [jsonSpan({ name: 'x' })]))));
    const res = await postTraces(tl.otlpUrl, gz.subarray(0, gz.length - 10), {
      headers: { 'content-encoding': 'gzip' },
    });
    expect(res.status).toBe(400);
    expect(jsonBody(res.body).message).toMatch(/not valid gzip: unexpected end of file/);
  });

  it('answers 413 to a gzip bomb without inflating it (limit applies after decompression)', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024)); // 64 MiB of zeros in ~64 KiB
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const res = await postTraces(tl.otlpUrl, bomb, { headers: { 'content-encoding': 'gzip' } });
    expect(res.status).toBe(413);
    expect(jsonBody(res.body).message).toContain('larger than 1048576 bytes after decompression');
  });

  it('answers 413 to an uncompressed body over the limit', async () => {
    const res = await postTraces(tl.otlpUrl, Buffer.alloc(2 * 1024 * 1024, 0x20));
    expect(res.status).toBe(413);
  });

  it('answers 415 to a wrong content type or encoding', async () => {
    const plain = await postTraces(tl.otlpUrl, '{}', { contentType: 'text/plain' });
    expect(plain.status).toBe(415);
    expect(jsonBody(plain.body).message).toContain(
      'Content-Type must be application/x-protobuf or application/json, not "text/plain"',
    );
    const brotli = await postTraces(tl.otlpUrl, '{}', { headers: { 'content-encoding': 'br' } });
    expect(brotli.status).toBe(415);
    expect(jsonBody(brotli.body).message).toContain('Content-Encoding must be gzip');
  });

  it('accepts content types with parameters, and gzip', async () => {
    const traceId = newTraceId();
    const body = jsonRequest({ 'service.name': 'svc' }, [jsonSpan({ name: 'a' }, traceId)]);
    expect((await postTraces(tl.otlpUrl, body, { contentType: 'application/json; charset=utf-8' })).status).toBe(200);
    const span = jsonSpan({ name: 'b' }, traceId);
    expect((await postTraces(tl.otlpUrl, jsonRequest({}, [span]), { gzip: true })).status).toBe(200);
    expect(await spansOfTrace(traceId)).toHaveLength(2);
  });
});

describe('invalid spans in a batch', () => {
  it('rejects each invalid span with its reason and keeps the valid ones (JSON)', async () => {
    const traceId = newTraceId();
    const day = 86_400_000;
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']));
    const valid = [
      jsonSpan({ name: 'ok-1' }, traceId),
      jsonSpan({ name: 'ok-2', startTimeUnixNano: nowNs(-6 * 3600_000) }, traceId),
    ];
    const invalid = [
      jsonSpan({ name: 'short-trace-id', traceId: 'abc' }),
      jsonSpan({ name: 'zero-trace-id', traceId: '0'.repeat(32) }),
      jsonSpan({ name: 'bad-span-id', spanId: 'zz'.repeat(8) }, traceId),
      jsonSpan({ name: 'bad-parent', parentSpanId: '123' }, traceId),
      jsonSpan({ name: 'too-many', attributes: tooMany }, traceId),
      jsonSpan({ name: 'future', startTimeUnixNano: nowNs(3 * 3600_000) }, traceId),
      jsonSpan({ name: 'old', startTimeUnixNano: nowNs(-31 * day) }, traceId),
      jsonSpan({ name: 'backwards', startTimeUnixNano: nowNs(-1000), endTimeUnixNano: nowNs(-2000) }, traceId),
    ];
    const res = await postTraces(tl.otlpUrl, jsonRequest({}, [valid[0]!, ...invalid, valid[1]!]));
    expect(res.status).toBe(200);
    const partial = jsonBody(res.body).partialSuccess as { rejectedSpans: string; errorMessage: string };
    expect(partial.rejectedSpans).toBe('8');
    for (const reason of [
      '2 invalid_trace_id',
      '1 invalid_span_id',
      '1 invalid_parent_span_id',
      '1 too_many_attributes',
      '1 timestamp_in_future',
      '1 timestamp_too_old',
      '1 end_before_start',
    ]) {
      expect(partial.errorMessage).toContain(reason);
    }
    expect(partial.errorMessage).toContain('e.g. span "short-trace-id" traceId "abc"');
    const stored = await spansOfTrace(traceId);
    expect(stored.map((s) => s.spanId).sort()).toEqual(valid.map((s) => s.spanId).sort());
  });

  it('rejects only the span with a value it cannot decode, naming the field, and stores the rest', async () => {
    const traceId = newTraceId();
    const good = jsonSpan({ name: 'good' }, traceId);
    const bad = { ...jsonSpan({ name: 'bad' }, traceId), attributes: [{ key: 'n', value: { intValue: 'twelve' } }] };
    const numeric = jsonSpan(
      { name: 'numeric-strings', attributes: { t: { doubleValue: '0.5' }, n: { intValue: '12' } } },
      traceId,
    );
    const res = await postTraces(tl.otlpUrl, jsonRequest({}, [good, bad, numeric]));
    expect(res.status).toBe(200);
    const partial = jsonBody(res.body).partialSuccess as { rejectedSpans: string; errorMessage: string };
    expect(partial.rejectedSpans).toBe('1');
    expect(partial.errorMessage).toContain(
      '1 malformed (resourceSpans[0].scopeSpans[0].spans[1].attributes[0].value.intValue: expected a signed 64-bit integer',
    );
    const stored = await spansOfTrace(traceId);
    expect(stored.map((s) => s.spanId).sort()).toEqual([good.spanId, numeric.spanId].sort());
    expect(stored.find((s) => s.spanId === numeric.spanId)!.attributes).toMatchObject({ t: '0.5', n: '12' });
  });

  it('answers partial success in protobuf for a protobuf request', async () => {
    const traceId = newTraceId();
    const good = {
      traceId: Buffer.from(traceId, 'hex'),
      spanId: Buffer.from(newSpanId(), 'hex'),
      name: 'good',
      startTimeUnixNano: nowNs(-5),
      endTimeUnixNano: nowNs(),
    };
    const bad = { ...good, spanId: Buffer.from('01', 'hex'), name: 'bad' };
    const body = ExportTraceServiceRequest.encode(
      ExportTraceServiceRequest.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: [good, bad] }] }] }),
    ).finish();
    const res = await postTraces(tl.otlpUrl, body, { contentType: 'application/x-protobuf' });
    expect(res.status).toBe(200);
    const response = ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(res.body), {
      longs: Number,
    }) as {
      partialSuccess: { rejectedSpans: number; errorMessage: string };
    };
    expect(response.partialSuccess.rejectedSpans).toBe(1);
    expect(response.partialSuccess.errorMessage).toContain('1 invalid_span_id');
    expect(await spansOfTrace(traceId)).toHaveLength(1);
  });

  it('truncates absurdly long attribute values, keeps the span and warns', async () => {
    const traceId = newTraceId();
    const before = await metric('tracelane_collector_strings_truncated_total{kind="attribute_value"}');
    const span = jsonSpan(
      { name: 'long', attributes: { 'gen_ai.input.messages': 'x'.repeat(50_000), short: 'y' } },
      traceId,
    );
    const res = await postTraces(tl.otlpUrl, jsonRequest({}, [span]));
    expect(res.status).toBe(200);
    expect(jsonBody(res.body).partialSuccess).toEqual({
      rejectedSpans: '0',
      errorMessage: 'truncated 1 attribute_value (over 1000 characters)',
    });
    const [stored] = await spansOfTrace(traceId);
    expect(stored!.attributes['gen_ai.input.messages']).toHaveLength(1000);
    expect(stored!.attributes.short).toBe('y');
    expect(await metric('tracelane_collector_strings_truncated_total{kind="attribute_value"}')).toBe(before + 1);
  });

  it('counts rejected spans by reason and rejected requests at /metrics on both ports', async () => {
    const api = await (await fetch(`${tl.apiUrl}/metrics`)).text();
    const collector = await (await fetch(`${tl.otlpUrl}/metrics`)).text();
    for (const text of [api, collector]) {
      expect(text).toMatch(/tracelane_collector_spans_rejected_total\{reason="invalid_trace_id"\} [1-9]/);
      expect(text).toMatch(/tracelane_collector_spans_rejected_total\{reason="timestamp_too_old"\} [1-9]/);
      expect(text).toMatch(/tracelane_collector_requests_rejected_total\{reason="bad_gzip"\} [1-9]/);
      expect(text).toMatch(/tracelane_collector_requests_rejected_total\{reason="too_large"\} [1-9]/);
    }
  });
});
