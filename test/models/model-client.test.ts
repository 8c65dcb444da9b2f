import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadPriceTable } from '../../collector/pricing/price-table.js';
import type { Connection } from '../../server/connections/connection-table.js';
import { createLogger } from '../../server/log.js';
import { createModelClient, type ModelRequest } from '../../server/models/model-client.js';
import { ModelCallError } from '../../server/models/model-errors.js';
import { startFakeAnthropic, startFakeOpenAI, type FakeProvider } from '../fixtures/fake-model-servers.js';

/** The one model call site against fake OpenAI-compatible and Anthropic servers: retries, limits, typed errors. */
const SECRET = 'sk-test-SECRET-0123456789abcdef';
const ENV_NAME = 'TRACELANE_TEST_MODEL_KEY';

let openai: FakeProvider;
let anthropic: FakeProvider;
const logLines: string[] = [];
const spans: object[] = [];
const client = createModelClient({
  config: {
    CONNECTION_SECRET_KEY: '',
    MODEL_RETRY_BASE_MS: 20,
    MODEL_RETRY_MAX_MS: 100,
    MODEL_RETRY_AFTER_MAX_MS: 2000,
    OUTBOUND_ALLOWED_NETWORKS: ['127.0.0.1'], // the fakes listen on loopback; 127.0.0.2 stays forbidden
  },
  prices: loadPriceTable(),
  spans: (req) => {
    spans.push(req);
    return Promise.resolve();
  },
  log: createLogger('json', (line) => logLines.push(line) > 0),
});

const connection = (over: Partial<Connection> = {}): Connection => ({
  name: 'fake',
  kind: 'openai',
  baseUrl: openai.url,
  secret: { source: 'env', env: ENV_NAME },
  maxConcurrency: 4,
  requestsPerMinute: 10_000,
  timeoutMs: 5000,
  maxRetries: 2,
  description: '',
  createdAt: '',
  createdBy: '',
  updatedAt: '',
  ...over,
});

const request: ModelRequest = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Route the ticket.' },
    { role: 'user', content: 'My invoice is wrong' },
  ],
  settings: { temperature: 0, maxTokens: 50 },
  responseSchema: null,
};

beforeAll(async () => {
  process.env[ENV_NAME] = SECRET;
  [openai, anthropic] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
});
afterAll(async () => {
  delete process.env[ENV_NAME];
  await Promise.all([openai.close(), anthropic.close()]);
});
beforeEach(() => {
  for (const fake of [openai, anthropic]) {
    fake.received.length = 0;
    fake.faults.length = 0;
    fake.answer = () => '{"team":"billing"}';
    fake.delayMs = 0;
    fake.maxInFlight = 0;
  }
});

const failure = async (promise: Promise<unknown>) => {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelCallError);
  return err as ModelCallError;
};

describe('OpenAI-compatible chat completions', () => {
  it('sends the rendered messages and settings with the bearer secret, and reads text, tokens and cost', async () => {
    const result = await client.complete(connection(), request, { prompt: { name: 'triage', version: 2 } });
    expect(result.text).toBe('{"team":"billing"}');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.costUsd).toBeCloseTo((result.usage.inputTokens! * 0.15 + result.usage.outputTokens! * 0.6) / 1e6, 12);
    expect(result.attempts).toBe(1);
    const sent = openai.received[0]!;
    expect(sent.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(sent.body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0, max_completion_tokens: 50 });
    expect(sent.body.messages).toEqual(request.messages);
  });

  it('asks for JSON with the response schema', async () => {
    const schema = { type: 'object', properties: { team: { type: 'string' } }, required: ['team'] };
    await client.complete(connection(), { ...request, responseSchema: schema });
    expect(openai.received[0]!.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema, strict: true },
    });
  });

  it('retries a 429 after the Retry-After it was given (retry-after-ms, then seconds)', async () => {
    openai.faults.push(
      { status: 429, headers: { 'retry-after-ms': '50' } },
      { status: 429, headers: { 'retry-after': '0.2' } },
    );
    const started = Date.now();
    const result = await client.complete(connection(), request);
    expect(result.attempts).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('retries 5xx with backoff and gives up after maxRetries with a retryable server error', async () => {
    openai.faults.push({ status: 500 }, { status: 503 });
    expect((await client.complete(connection(), request)).attempts).toBe(3);
    openai.faults.push({ status: 500 }, { status: 502 }, { status: 500 });
    const err = await failure(client.complete(connection({ maxRetries: 2 }), request));
    expect(err).toMatchObject({ kind: 'server', retryable: true, status: 500 });
    expect(openai.received).toHaveLength(6);
  });

  it('does not retry a quota 429, a 400 or a malformed answer', async () => {
    openai.faults.push({
      status: 429,
      body: { error: { message: 'You exceeded your quota', code: 'insufficient_quota' } },
    });
    expect(await failure(client.complete(connection(), request))).toMatchObject({ kind: 'quota', retryable: false });
    openai.faults.push({ status: 400, body: { error: { message: 'bad model', type: 'invalid_request_error' } } });
    expect(await failure(client.complete(connection(), request))).toMatchObject({
      kind: 'bad_request',
      retryable: false,
    });
    openai.faults.push({ malformed: '{"choices": []}' });
    expect(await failure(client.complete(connection(), request))).toMatchObject({ kind: 'malformed_response' });
    openai.faults.push({ malformed: 'not json at all' });
    expect(await failure(client.complete(connection(), request))).toMatchObject({ kind: 'malformed_response' });
    expect(openai.received).toHaveLength(4);
  });

  it('times out a hanging provider, retries, and succeeds', async () => {
    openai.faults.push({ hang: true });
    const result = await client.complete(connection({ timeoutMs: 300 }), request);
    expect(result.attempts).toBe(2);
    openai.faults.push({ hang: true }, { hang: true });
    const err = await failure(client.complete(connection({ timeoutMs: 200, maxRetries: 1 }), request));
    expect(err).toMatchObject({ kind: 'timeout', retryable: true });
  });

  it('is cancelled by its signal, also while waiting to retry', async () => {
    openai.faults.push({ hang: true });
    const controller = new AbortController();
    const pending = client.complete(connection(), request, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    expect(await failure(pending)).toMatchObject({ kind: 'cancelled', retryable: false });
  });

  it('holds at most maxConcurrency calls at once', async () => {
    openai.delayMs = 50;
    const c = connection({ name: 'narrow', maxConcurrency: 2 });
    await Promise.all(Array.from({ length: 6 }, () => client.complete(c, request)));
    expect(openai.maxInFlight).toBe(2);
  });

  it('never puts the secret into errors, logs or spans, even when the provider echoes it', async () => {
    openai.faults.push({
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${SECRET}`, code: 'invalid_api_key' } },
    });
    const err = await failure(client.complete(connection(), request));
    expect(err).toMatchObject({ kind: 'auth', retryable: false, status: 401 });
    expect(err.message).toContain('[redacted]');
    expect(err.message).not.toContain(SECRET);
    expect(logLines.join('\n')).not.toContain(SECRET);
    expect(JSON.stringify(spans)).not.toContain(SECRET);
    expect(logLines.some((l) => l.includes('"kind":"auth"'))).toBe(true);
  });

  it('goes through the outbound guard on every call: a forbidden address is refused before anything is sent', async () => {
    const url = new URL(openai.url);
    const err = await failure(client.complete(connection({ baseUrl: `http://127.0.0.2:${url.port}/v1` }), request));
    expect(err.kind).toBe('configuration');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('127.0.0.2 is a loopback address');
    expect(openai.received).toHaveLength(0);
    const metadata = await failure(client.complete(connection({ baseUrl: 'http://169.254.169.254/v1' }), request));
    expect(metadata.message).toContain('metadata address');
  });

  it('fails with a configuration error when the named environment variable is not set', async () => {
    const err = await failure(
      client.complete(connection({ secret: { source: 'env', env: 'TRACELANE_NOT_SET_XYZ' } }), request),
    );
    expect(err).toMatchObject({ kind: 'configuration', retryable: false });
    expect(err.message).toContain('TRACELANE_NOT_SET_XYZ');
  });
});

describe('Anthropic Messages', () => {
  const claude = () => connection({ kind: 'anthropic', baseUrl: anthropic.url, name: 'claude' });

  it('sends system text apart, x-api-key and the API version, and reads content blocks and usage', async () => {
    const result = await client.complete(claude(), { ...request, model: 'claude-3-5-haiku-20241022' });
    expect(result.text).toBe('{"team":"billing"}');
    expect(result.costUsd).toBeGreaterThan(0);
    const sent = anthropic.received[0]!;
    expect(sent.headers['x-api-key']).toBe(SECRET);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.body).toMatchObject({ system: 'Route the ticket.', max_tokens: 50 });
    expect(sent.body.messages).toEqual([{ role: 'user', content: 'My invoice is wrong' }]);
  });

  it('retries 529 overloaded and 429 with retry-after', async () => {
    anthropic.faults.push({ status: 529 }, { status: 429, headers: { 'retry-after': '0' } });
    expect((await client.complete(claude(), request)).attempts).toBe(3);
  });

  it('refuses an answer that is not a message', async () => {
    anthropic.faults.push({ malformed: '{"type":"completion","completion":"hi"}' });
    expect(await failure(client.complete(claude(), request))).toMatchObject({ kind: 'malformed_response' });
  });
});

describe('call spans', () => {
  it('describes each call with GenAI attributes, the prompt and the evaluation environment', async () => {
    spans.length = 0;
    await client.complete(connection(), request, { prompt: { name: 'triage', version: 3 } });
    const text = JSON.stringify(spans[0]);
    for (const fragment of [
      '"key":"deployment.environment.name","value":{"stringValue":"evaluation"}',
      '"key":"gen_ai.operation.name","value":{"stringValue":"chat"}',
      '"key":"gen_ai.prompt.name","value":{"stringValue":"triage"}',
      '"key":"gen_ai.prompt.version","value":{"stringValue":"3"}',
      '"key":"gen_ai.usage.input_tokens"',
    ]) {
      expect(text).toContain(fragment);
    }
  });
});
