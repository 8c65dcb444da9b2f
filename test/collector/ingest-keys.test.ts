import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { jsonRequest, jsonSpan, postTraces } from './otlp-request.js';

/** With INGEST_KEYS set, /v1/traces needs `Authorization: Bearer <key>` or `x-api-key`; health and metrics do not. */
let tl: TestTracelane;
beforeAll(async () => {
  tl = await startTestTracelane({ INGEST_KEYS: 'ingest-key-one, ingest-key-two' });
});
afterAll(() => tl.close());

const body = () => jsonRequest({}, [jsonSpan({ name: 'auth' })]);

it('answers 401 with a status naming both headers when the key is missing or wrong', async () => {
  const attempts: Record<string, string>[] = [
    {},
    { authorization: 'Bearer nope' },
    { 'x-api-key': 'nope' },
    { authorization: 'Basic aW5nZXN0' },
  ];
  for (const headers of attempts) {
    const res = await postTraces(tl.otlpUrl, body(), { headers });
    expect(res.status).toBe(401);
    expect((JSON.parse(res.body.toString()) as { message: string }).message).toBe(
      'missing or unknown ingest key: send "Authorization: Bearer <key>" (or Basic with the key as password) or "x-api-key: <key>"',
    );
  }
});

it('accepts any configured key as a bearer token or in x-api-key', async () => {
  expect((await postTraces(tl.otlpUrl, body(), { headers: { authorization: 'Bearer ingest-key-one' } })).status).toBe(
    200,
  );
  expect((await postTraces(tl.otlpUrl, body(), { headers: { 'x-api-key': 'ingest-key-two' } })).status).toBe(200);
});

it('takes the password of Basic authentication as the key (what the Langfuse SDKs send)', async () => {
  const basic = (user: string, password: string) => ({
    authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
  });
  expect((await postTraces(tl.otlpUrl, body(), { headers: basic('pk-lf-1', 'ingest-key-one') })).status).toBe(200);
  expect((await postTraces(tl.otlpUrl, body(), { headers: basic('ingest-key-one', 'sk-wrong') })).status).toBe(401);
});

it('counts unauthorized requests; /metrics needs no key', async () => {
  const text = await (await fetch(`${tl.otlpUrl}/metrics`)).text();
  expect(text).toContain('tracelane_collector_requests_rejected_total{reason="unauthorized"} 5');
  expect(text).toContain('tracelane_collector_spans_accepted_total 3');
});
