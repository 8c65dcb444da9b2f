import { describe, expect, it } from 'vitest';
import { decodeJsonTraces } from '../../../collector/otlp/json-codec.js';
import { decodeProtobufTraces } from '../../../collector/otlp/protobuf-codec.js';
import protobuf from 'protobufjs';
import { ExportTraceServiceRequest } from '../../../collector/otlp/proto-schema.js';

const AnyValue = ExportTraceServiceRequest.root.lookupType('opentelemetry.proto.AnyValue');
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
    ['[]', 'body: expected an object'],
    [
      '{"resourceSpans":[{"scopeSpans":[{"spans":[5]}]}]}',
      'resourceSpans[0].scopeSpans[0].spans[0]: expected an object',
    ],
  ])('rejects the structure %s naming the field', (body, message) => {
    expect(() => decodeJsonTraces(body)).toThrow(message);
  });

  const spanPath = 'resourceSpans[0].scopeSpans[0].spans[0]';
  it.each([
    [{ startTimeUnixNano: '12.5' }, `${spanPath}.startTimeUnixNano: expected an unsigned 64-bit integer`],
    [{ kind: 'SERVER' }, `${spanPath}.kind: expected a SPAN_KIND_* name or number`],
    [{ name: '\ud800' }, `${spanPath}.name: expected valid Unicode text (it holds a lone surrogate)`],
    [{ events: [{ timeUnixNano: '18446744073709551615' }] }, `${spanPath}.events[0].timeUnixNano: expected a time`],
  ])('marks a span whose value cannot be decoded malformed, naming the field: %j', (fields, message) => {
    const good = { name: 'good', traceId: 'ab'.repeat(16) };
    const text = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ ...good, ...fields }, good] }] }] });
    const [bad, kept] = decodeJsonTraces(text)[0]!.scopeSpans[0]!.spans;
    expect(bad!.malformed).toContain(message);
    expect(kept!.malformed).toBeUndefined();
  });

  it('accepts numbers sent as strings where the protobuf JSON mapping allows them', () => {
    const attributes = [
      { key: 'int', value: { intValue: '1e3' } },
      { key: 'double', value: { doubleValue: '0.25' } },
    ];
    const text = JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ spans: [{ attributes, startTimeUnixNano: 5 }] }] }],
    });
    const span = decodeJsonTraces(text)[0]!.scopeSpans[0]!.spans[0]!;
    expect(span.malformed).toBeUndefined();
    expect({ ...span.attributes }).toEqual({ int: '1000', double: '0.25' });
  });

  it('refuses values nested deeper than the limit in both codecs, costing only their span', () => {
    // Built as text and bytes: JSON.stringify and protobufjs would themselves overflow the stack at this depth.
    const depth = 10_000;
    const nestedJson = '{"arrayValue":{"values":['.repeat(depth) + '{"stringValue":"deep"}' + ']}}'.repeat(depth);
    const text = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"deep","attributes":[{"key":"nested","value":${nestedJson}}]},{"name":"ok"}]}]}]}`;
    const [fromJson, okJson] = decodeJsonTraces(text)[0]!.scopeSpans[0]!.spans;
    expect(fromJson!.malformed).toMatch(/nested at most 64 levels deep/);
    expect(okJson!.malformed).toBeUndefined();

    let value: Buffer = Buffer.from(AnyValue.encode(AnyValue.fromObject({ stringValue: 'deep' })).finish());
    for (let i = 0; i < 2000; i++) value = lengthDelimited(5, lengthDelimited(1, value));
    const deep = Buffer.concat([
      lengthDelimited(5, Buffer.from('deep')),
      lengthDelimited(9, Buffer.concat([lengthDelimited(1, Buffer.from('nested')), lengthDelimited(2, value)])),
    ]);
    const ok = lengthDelimited(5, Buffer.from('ok'));
    const proto = lengthDelimited(
      1,
      lengthDelimited(2, Buffer.concat([lengthDelimited(2, deep), lengthDelimited(2, ok)])),
    );
    const [fromProto, okProto] = decodeProtobufTraces(proto)[0]!.scopeSpans[0]!.spans;
    expect(fromProto!.malformed).toMatch(
      /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.attributes: .*deeper than 64/,
    );
    expect(okProto!.name).toBe('ok');
  });
});

/** A protobuf length-delimited field. */
function lengthDelimited(field: number, bytes: Buffer): Buffer {
  const writer = protobuf.Writer.create();
  writer.uint32((field << 3) | 2).bytes(bytes);
  return Buffer.from(writer.finish());
}

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
