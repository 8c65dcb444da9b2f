import { describe, expect, it } from 'vitest';
import { createExportIngest, type IngestSettings } from '../../../collector/ingest.js';
import { ExportTraceServiceRequest } from '../../../collector/otlp/proto-schema.js';
import { decodeProtobufTraces } from '../../../collector/otlp/protobuf-codec.js';
import { SPAN_COLUMNS } from '../../../collector/rows/span-row.js';
import { encodeNative } from '../../../server/store/native-format.js';

/**
 * The collector's hot path writes each request's spans as a Native block straight from the decoded spans
 * (rows/span-block.ts); it must produce exactly the bytes of the generic encoder over the same spans' rows.
 */
const settings: IngestSettings = {
  promptNameKeys: [],
  promptVersionKeys: [],
  environmentKeys: [],
  qualityKeys: [],
  pricesFile: '',
  maxAttributes: 128,
  maxNameChars: 1024,
  maxValueChars: 64,
  retentionDays: 30,
  output: 'native',
};

const nowNs = BigInt(Date.now()) * 1_000_000n;
const id = (bytes: number, seed: number) => Buffer.alloc(bytes, seed);
const kv = (key: string, value: string | number) => ({
  key,
  value: typeof value === 'string' ? { stringValue: value } : { intValue: value },
});

function span(seed: number, extra: Partial<Record<string, unknown>> = {}) {
  return {
    traceId: id(16, seed),
    spanId: id(8, seed + 1),
    parentSpanId: seed % 2 ? id(8, 9) : Buffer.alloc(0),
    name: `chat ${seed}`,
    kind: 3,
    startTimeUnixNano: String(nowNs - BigInt(seed) * 1_000_000n),
    endTimeUnixNano: String(nowNs - BigInt(seed) * 1_000_000n + 1_234_567_891n),
    attributes: [
      kv('gen_ai.operation.name', 'chat'),
      kv('gen_ai.request.model', seed % 2 ? 'gpt-4o' : 'unknown-model'),
      kv('gen_ai.usage.input_tokens', 100 + seed),
      kv('gen_ai.prompt.name', 'résumé ✓'),
      kv('long', 'x'.repeat(100)),
    ],
    ...extra,
  };
}

function body() {
  const request = {
    resourceSpans: [
      {
        resource: { attributes: [kv('service.name', 'svc'), kv('deployment.environment.name', 'production')] },
        scopeSpans: [
          {
            scope: { name: 'scope', version: '1.0' },
            spans: [
              span(1),
              span(2, {
                events: [
                  {
                    timeUnixNano: String(nowNs),
                    name: 'gen_ai.evaluation.result',
                    attributes: [kv('gen_ai.evaluation.score.value', '0.75')],
                  },
                  { timeUnixNano: String(nowNs + 1n), name: 'second', attributes: [] },
                ],
                links: [{ traceId: id(16, 7), spanId: id(8, 8), traceState: 'a=b', attributes: [kv('k', 'v')] }],
                status: { code: 2, message: 'boom' },
              }),
              span(3, { traceId: Buffer.alloc(3) }),
            ],
          },
        ],
      },
      { resource: { attributes: [] }, scopeSpans: [{ scope: {}, spans: [span(4)] }] },
    ],
  };
  return ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(request)).finish();
}

describe('span block', () => {
  it('is byte for byte the generic Native encoding of the same rows', () => {
    const native = createExportIngest(settings)(body(), 'protobuf');
    const rows = createExportIngest({ ...settings, output: 'rows' })(body(), 'protobuf');
    expect(native.accepted).toBe(3);
    expect(native.rejected).toEqual({ invalid_trace_id: 1 });
    expect(native.truncated).toEqual({ attribute_value: 3 });
    expect(rows.batch.rows).toHaveLength(3);
    const generic = encodeNative(SPAN_COLUMNS, rows.batch.rows!);
    expect(Buffer.from(native.batch.native!).equals(generic)).toBe(true);
    expect(native.batch.native!.byteLength).toBe(native.batch.native!.buffer.byteLength); // transferable as is
  });

  it('decodes every attribute key right past the size of the key cache', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `key.${i}`);
    const request = {
      resourceSpans: [
        {
          scopeSpans: [
            { spans: [span(1, { attributes: [...keys, ...keys.slice(0, 10)].map((k) => kv(k, k.slice(4))) })] },
          ],
        },
      ],
    };
    const decoded = decodeProtobufTraces(
      ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(request)).finish(),
    );
    const attributes = decoded[0]!.scopeSpans[0]!.spans[0]!.attributes;
    expect(Object.keys(attributes)).toEqual(keys);
    for (const key of keys) expect(attributes[key]).toBe(key.slice(4));
  });
});
