import { randomUUID } from 'node:crypto';
import { api as otel, resources, tracing } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImport } from '../../server/datasets/import-parse.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';
import { client, type Client } from '../registry/registry-client.js';

/** Datasets through the API: versions, item edits, imports with per-line errors, export, items from traces. */
let t: TestTracelane;
let api: Client;
let viewer: Client;
const KEYS = { deployer: 'deployer-secret-ds', viewer: 'viewer-secret-ds' };

beforeAll(async () => {
  t = await startTestTracelane({ API_KEYS: `ci:deployer:${KEYS.deployer},dash:viewer:${KEYS.viewer}` });
  api = client(t.apiUrl, KEYS.deployer);
  viewer = client(t.apiUrl, KEYS.viewer);
});
afterAll(() => t.close());

const fresh = () => `tickets-${randomUUID().slice(0, 8)}`;
const raw = (path: string, body: string, key = KEYS.deployer) =>
  fetch(t.apiUrl + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
    body,
  });

interface Items {
  version: number;
  items: { id: string; input: Record<string, unknown>; expected: unknown; category: string; source: string }[];
}

describe('datasets', () => {
  it('version every change and read any earlier version', async () => {
    const name = fresh();
    expect((await viewer.post('/api/v1/datasets', { name })).status).toBe(403);
    const created = await api.post('/api/v1/datasets', {
      name,
      items: [{ id: 'a', input: { ticket: 'refund' }, expected: { team: 'billing' }, category: 'billing' }],
    });
    expect(created.body).toMatchObject({ name, version: 1, items: 1 });
    await api.post(`/api/v1/datasets/${name}/items`, {
      items: [{ id: 'b', input: { ticket: 'sso' }, expected: 'auth', category: 'auth' }],
    });
    await api.put(`/api/v1/datasets/${name}/items/a`, {
      input: { ticket: 'refund twice' },
      expected: { team: 'billing' },
      category: 'billing',
    });
    expect((await api.delete(`/api/v1/datasets/${name}/items/b`)).status).toBe(200);
    expect((await api.delete(`/api/v1/datasets/${name}/items/b`)).status).toBe(404);
    const now = (await viewer.get<Items>(`/api/v1/datasets/${name}/items`)).body;
    expect(now.version).toBe(4);
    expect(now.items).toEqual([expect.objectContaining({ id: 'a', input: { ticket: 'refund twice' }, version: 3 })]);
    const v2 = (await viewer.get<Items>(`/api/v1/datasets/${name}/items?version=2`)).body;
    expect(v2.items.map((i) => [i.id, i.input.ticket])).toEqual([
      ['a', 'refund'],
      ['b', 'sso'],
    ]);
    expect((await viewer.get(`/api/v1/datasets/${name}/items?version=9`)).status).toBe(404);
    const meta = (await viewer.get<{ versions: { version: number; message: string }[] }>(`/api/v1/datasets/${name}`))
      .body;
    expect(meta.versions.map((v) => v.version)).toEqual([4, 3, 2, 1]);
  });

  it('refuse bad items naming the field, and duplicate ids in one request', async () => {
    const name = fresh();
    await api.post('/api/v1/datasets', { name });
    const bad = async (items: unknown[]) =>
      (await api.post<{ error: { field: string } }>(`/api/v1/datasets/${name}/items`, { items })).body.error;
    expect((await bad([{ input: 'not an object' }])).field).toBe('items.0.input');
    expect((await bad([{ input: {}, category: 'x'.repeat(101) }])).field).toBe('items.0.category');
    expect(
      (
        await bad([
          { input: {}, id: 'a' },
          { input: {}, id: 'a' },
        ])
      ).field,
    ).toBe('items.1.id');
    expect((await api.post('/api/v1/datasets', { name })).status).toBe(409);
  });
});

const CSV = [
  'id,ticket,customer,category,expected,metadata',
  'c1,"Refund the duplicate charge, please",acme,billing,"{""team"":""billing""}",',
  'c2,SSO login fails,globex,auth,auth,"{""source"":""zendesk""}"',
  'c3,only three,cells',
  'c4,Webhook retries,initech,api-platform,api-platform,{not json}',
  'c1,duplicate id,acme,billing,billing,',
  ',Charts are empty,umbrella,dashboard,dashboard,',
].join('\n');

describe('import', () => {
  it('previews a CSV with its bad lines, stores nothing on a dry run, then imports the good lines only', async () => {
    const name = fresh();
    await api.post('/api/v1/datasets', { name });
    const preview = (await (await raw(`/api/v1/datasets/${name}/import?format=csv&dryRun=true`, CSV)).json()) as {
      valid: number;
      invalid: number;
      stored: boolean;
      errors: { line: number; message: string }[];
      preview: { line: number; item: { input: Record<string, string>; expected: unknown } }[];
    };
    expect(preview).toMatchObject({ valid: 3, invalid: 3, stored: false });
    expect(preview.errors).toEqual([
      { line: 4, message: expect.stringContaining('Invalid Record Length') as string },
      { line: 5, message: 'metadata: must be a JSON object' },
      { line: 6, message: 'id: "c1" is already on line 2' },
    ]);
    expect(preview.preview[0]!.item).toMatchObject({
      input: { ticket: 'Refund the duplicate charge, please', customer: 'acme' },
      expected: { team: 'billing' },
    });
    expect((await api.get<Items>(`/api/v1/datasets/${name}/items`)).body.items).toEqual([]);

    const imported = await raw(`/api/v1/datasets/${name}/import?format=csv`, CSV);
    expect(imported.status).toBe(201);
    expect(await imported.json()).toMatchObject({ stored: true, valid: 3, invalid: 3, version: 1 });
    const { items } = (await api.get<Items>(`/api/v1/datasets/${name}/items`)).body;
    expect(items).toHaveLength(3);
    expect(items.find((i) => i.id === 'c2')).toMatchObject({ expected: 'auth', category: 'auth', source: 'import' });
  });

  it('reads JSONL line by line, and refuses a viewer, an unknown format and a missing dataset', async () => {
    const name = fresh();
    await api.post('/api/v1/datasets', { name });
    const jsonl = [
      '{"input":{"ticket":"a"},"expected":"x"}',
      '',
      '{"input":{"ticket":"b"}',
      '{"input":{"ticket":"c"},"bogus":1}',
      '{"input":{"ticket":"d"},"category":"auth"}',
    ].join('\n');
    const body = (await (await raw(`/api/v1/datasets/${name}/import?format=jsonl`, jsonl)).json()) as {
      valid: number;
      errors: { line: number; message: string }[];
    };
    expect(body.valid).toBe(2);
    expect(body.errors).toEqual([
      { line: 3, message: expect.stringContaining('not valid JSON') as string },
      { line: 4, message: 'bogus: Unrecognized key: "bogus"' },
    ]);
    expect((await raw(`/api/v1/datasets/${name}/import?format=jsonl`, jsonl, KEYS.viewer)).status).toBe(403);
    expect((await raw(`/api/v1/datasets/${name}/import?format=xml`, jsonl)).status).toBe(400);
    expect((await raw(`/api/v1/datasets/nope-${randomUUID()}/import?format=jsonl`, jsonl)).status).toBe(404);
  });

  it('exports JSONL and CSV that import back to the same items', async () => {
    const name = fresh();
    await api.post('/api/v1/datasets', { name });
    await raw(`/api/v1/datasets/${name}/import?format=csv`, CSV);
    const before = (await api.get<Items>(`/api/v1/datasets/${name}/items`)).body.items;
    const strip = (items: Items['items']) =>
      items.map(({ id, input, expected, category }) => ({ id, input, expected, category }));
    for (const format of ['jsonl', 'csv'] as const) {
      const res = await fetch(`${t.apiUrl}/api/v1/datasets/${name}/export?format=${format}`, {
        headers: { authorization: `Bearer ${KEYS.viewer}` },
      });
      expect(res.headers.get('content-disposition')).toContain(`${name}-v1.${format}`);
      const back = parseImport(format, await res.text());
      expect(back.errors).toEqual([]);
      expect(strip(back.items.map((i) => ({ ...i.item, id: i.item.id!, source: '' })))).toEqual(strip(before));
    }
  });

  it('parses a CSV cell starting with = safely on export', () => {
    const parsed = parseImport('csv', 'ticket,expected\n"=HYPERLINK(""x"")",billing\n');
    expect(parsed.items[0]!.item.input).toEqual({ ticket: '=HYPERLINK("x")' });
  });
});

describe('items from production traces', () => {
  it("turn a trace's variables and output into an item", async () => {
    const provider = new tracing.BasicTracerProvider({
      resource: resources.resourceFromAttributes({ 'service.name': 'support-app' }),
      spanProcessors: [new tracing.SimpleSpanProcessor(new OTLPTraceExporter({ url: `${t.otlpUrl}/v1/traces` }))],
    });
    const span = provider.getTracer('test').startSpan('chat gpt-4o-mini', {
      kind: otel.SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.prompt.name': 'support-triage',
        'gen_ai.prompt.version': '2',
        'deployment.environment.name': 'production',
        'llm.prompt_template.variables': JSON.stringify({
          subject: 'Usage charge',
          body: 'Why did our API usage bill double?',
        }),
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'text', content: '{"team":"api-platform"}' }] },
        ]),
      },
    });
    span.end();
    await provider.forceFlush();
    const traceId = span.spanContext().traceId;
    await waitFor('the trace', async () =>
      (await api.get(`/api/v1/traces/${traceId}`)).status === 200 ? true : undefined,
    );
    const name = fresh();
    await api.post('/api/v1/datasets', { name });
    const added = await api.post<{ item: Record<string, unknown> }>(`/api/v1/datasets/${name}/items/from-trace`, {
      traceId,
      category: 'billing',
      expected: { team: 'billing' },
    });
    expect(added.status).toBe(201);
    const { items } = (await api.get<Items>(`/api/v1/datasets/${name}/items`)).body;
    expect(items[0]).toMatchObject({
      input: { subject: 'Usage charge', body: 'Why did our API usage bill double?' },
      expected: { team: 'billing' },
      category: 'billing',
      source: `trace:${traceId}`,
      metadata: { traceId, prompt: 'support-triage', version: '2', environment: 'production' },
    });
    const asIs = await api.post<{ item: { expected: unknown } }>(`/api/v1/datasets/${name}/items/from-trace`, {
      traceId,
    });
    expect(asIs.body.item.expected).toBe('{"team":"api-platform"}');
    expect((await api.post(`/api/v1/datasets/${name}/items/from-trace`, { traceId: '0'.repeat(32) })).status).toBe(404);
    await provider.shutdown();
  });
});
