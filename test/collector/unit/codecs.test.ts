import { describe, expect, it } from 'vitest';
import { decodeJsonTraces } from '../../../collector/otlp/json-codec.js';
import { decodeProtobufTraces } from '../../../collector/otlp/protobuf-codec.js';
import { ExportTraceServiceRequest } from '../../../collector/otlp/proto-schema.js';
import { formatDouble } from '../../../collector/otlp/value-text.js';

/** Both codecs decode the same export to the same internal spans, with values stringified as the exporter does. */
const traceHex = '5b8efff798038103d269b633813fc60c';
const spanHex = 'eee19b7ec3c1b174';
const values = [
  { key: 's', value: { stringValue: 'text' } },
  { key: 'i', value: { intValue: '-9007199254740993' } },
  { key: 'd', value: { doubleValue: 0.1 } },
  { key: 'tiny', value: { doubleValue: 1e-7 } },
  { key: 'b', value: { boolValue: true } },
  { key: 'bytes', value: { bytesValue: 'AQID' } },
  {
    key: 'arr',
    value: {
      arrayValue: { values: [{ stringValue: 'a' }, { intValue: '18446744073709551' }, { doubleValue: 1.5 }, {}] },
    },
  },
  { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { boolValue: false } }] } } },
  { key: 'empty', value: {} },
];
const expected = {
  s: 'text',
  i: '-9007199254740993',
  d: '0.1',
  tiny: '0.0000001',
  b: 'true',
  bytes: 'AQID',
  arr: '["a",18446744073709551,1.5,null]',
  map: '{"k":false}',
  empty: '',
};

function request(json: boolean) {
  const span = {
    traceId: json ? traceHex.toUpperCase() : Buffer.from(traceHex, 'hex'),
    spanId: json ? spanHex : Buffer.from(spanHex, 'hex'),
    name: 'op',
    kind: json ? 'SPAN_KIND_CLIENT' : 3,
    startTimeUnixNano: '1795274556123456789',
    endTimeUnixNano: '1795274556223456789',
    attributes: json
      ? values
      : values.map((kv) => ({ ...kv, value: kv.key === 'bytes' ? { bytesValue: Buffer.from([1, 2, 3]) } : kv.value })),
    status: { code: json ? 'STATUS_CODE_ERROR' : 2, message: 'boom' },
  };
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeSpans: [{ scope: { name: 'sc', version: '1' }, spans: [span] }],
      },
    ],
  };
}

describe('JSON and protobuf codecs', () => {
  const fromJson = decodeJsonTraces(JSON.stringify(request(true)));
  const fromProto = decodeProtobufTraces(
    ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(request(false))).finish(),
  );

  it('decode to the same internal form with exact nanosecond times', () => {
    const span = fromJson[0]!.scopeSpans[0]!.spans[0]!;
    expect(span).toMatchObject({
      traceId: traceHex,
      spanId: spanHex,
      parentSpanId: '',
      kind: 'Client',
      startTimeUnixNano: 1795274556123456789n,
      endTimeUnixNano: 1795274556223456789n,
      statusCode: 'Error',
      statusMessage: 'boom',
    });
    expect({ ...span.attributes }).toEqual(expected);
    expect(
      JSON.parse(JSON.stringify(fromProto, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))),
    ).toEqual(JSON.parse(JSON.stringify(fromJson, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))));
  });

  it('keeps `__proto__` as a plain attribute key', () => {
    const body = {
      resourceSpans: [
        { scopeSpans: [{ spans: [{ attributes: [{ key: '__proto__', value: { stringValue: 'x' } }] }] }] },
      ],
    };
    const attributes = decodeJsonTraces(JSON.stringify(body))[0]!.scopeSpans[0]!.spans[0]!.attributes;
    expect(Object.keys(attributes)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(attributes)).toBeNull();
  });

  it.each([
    ['{"resourceSpans":{}}', 'resourceSpans: expected an array'],
    [
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"12.5"}]}]}]}',
      'resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano: expected an unsigned 64-bit integer (a number or a decimal string)',
    ],
    [
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":"SERVER"}]}]}]}',
      'resourceSpans[0].scopeSpans[0].spans[0].kind: expected a SPAN_KIND_* name or number',
    ],
    ['[]', 'body: expected an object'],
  ])('rejects %s naming the field', (body, message) => {
    expect(() => decodeJsonTraces(body)).toThrow(message);
  });
});

describe('formatDouble', () => {
  it.each([
    [0.1, '0.1'],
    [1e21, '1000000000000000000000'],
    [-2.5e-7, '-0.00000025'],
    [Number.NaN, 'NaN'],
    [-Infinity, '-Inf'],
  ])('%s → %s', (value, text) => {
    expect(formatDouble(value)).toBe(text);
  });
});
