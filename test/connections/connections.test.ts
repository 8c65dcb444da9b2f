import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { secretSource } from '../../server/connections/connection-secret.js';
import { createLogger } from '../../server/log.js';
import { startTracelane, type Tracelane } from '../../server/tracelane.js';
import { startFakeAnthropic, startFakeOpenAI, type FakeProvider } from '../fixtures/fake-model-servers.js';
import { tempDataDir } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';
import { client, type ApiResponse, type Client } from '../registry/registry-client.js';

/**
 * Model connections through the API: admin-only changes, secrets stored encrypted or named by environment
 * variable, and a secret never in an API answer, a stored row in clear, the log or a span — error paths included.
 */
const STORED_SECRET = 'sk-live-STORED-' + randomBytes(8).toString('hex');
const ENV_SECRET = 'sk-live-ENV-' + randomBytes(8).toString('hex');
const KEYS = { admin: 'admin-secret-conn', deployer: 'deployer-secret-conn' };
const dataDir = tempDataDir();
const logLines: string[] = [];
const everyAnswer: string[] = [];
let tl: Tracelane;
let openai: FakeProvider;
let anthropic: FakeProvider;
let admin: Client;
let deployer: Client;

/** A client that keeps every answer body, so the test can search them all for secrets. */
function recording(c: Client): Client {
  const keep = async <T>(p: Promise<ApiResponse<T>>): Promise<ApiResponse<T>> => {
    const r = await p;
    everyAnswer.push(JSON.stringify(r.body));
    return r;
  };
  return {
    get: <T>(path: string, h?: Record<string, string>) => keep(c.get<T>(path, h)),
    post: <T>(path: string, b?: unknown) => keep(c.post<T>(path, b)),
    patch: <T>(path: string, b?: unknown) => keep(c.patch<T>(path, b)),
    put: <T>(path: string, b?: unknown) => keep(c.put<T>(path, b)),
    delete: <T>(path: string) => keep(c.delete<T>(path)),
  };
}

beforeAll(async () => {
  process.env.TRACELANE_TEST_PROVIDER_KEY = ENV_SECRET;
  [openai, anthropic] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
  const config = loadConfig({
    PORT: '0',
    OTLP_PORT: '0',
    OTLP_GRPC_PORT: '0',
    DATA_DIR: dataDir,
    API_KEYS: `ops:admin:${KEYS.admin},ci:deployer:${KEYS.deployer}`,
    CONNECTION_SECRET_KEY: randomBytes(32).toString('hex'),
    MODEL_RETRY_BASE_MS: '5',
    OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1', // the fakes listen on loopback; other internal addresses stay refused
  });
  tl = await startTracelane(
    config,
    createLogger('json', (line) => logLines.push(line) > 0),
  );
  admin = recording(client(tl.apiUrl, KEYS.admin));
  deployer = recording(client(tl.apiUrl, KEYS.deployer));
});
afterAll(async () => {
  delete process.env.TRACELANE_TEST_PROVIDER_KEY;
  await tl.close();
  await Promise.all([openai.close(), anthropic.close()]);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('model connections', () => {
  it('are created by admins only, with defaults and limits, and listed without secrets', async () => {
    expect((await deployer.post('/api/v1/connections', { name: 'x', kind: 'openai' })).status).toBe(403);
    const created = await admin.post('/api/v1/connections', {
      name: 'stored',
      kind: 'openai',
      baseUrl: openai.url + '/',
      secret: STORED_SECRET,
      maxConcurrency: 2,
      requestsPerMinute: 120,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'stored',
      kind: 'openai',
      baseUrl: openai.url,
      secret: { source: 'stored', available: true },
      maxConcurrency: 2,
      requestsPerMinute: 120,
      timeoutMs: 60_000,
      maxRetries: 2,
      createdBy: 'ops',
    });
    const env = await admin.post('/api/v1/connections', {
      name: 'by-env',
      kind: 'anthropic',
      baseUrl: anthropic.url,
      secretEnv: 'TRACELANE_TEST_PROVIDER_KEY',
    });
    expect(env.body).toMatchObject({ secret: { source: 'env', env: 'TRACELANE_TEST_PROVIDER_KEY', available: true } });
    const defaults = await admin.post('/api/v1/connections', { name: 'default-url', kind: 'anthropic' });
    expect(defaults.body).toMatchObject({
      baseUrl: 'https://api.anthropic.com',
      secret: { source: 'none', available: false },
    });
    const list = await deployer.get<{ connections: { name: string }[] }>('/api/v1/connections');
    expect(list.body.connections.map((c) => c.name)).toEqual(['by-env', 'default-url', 'stored']);
  });

  it('refuse bad input naming the field', async () => {
    const bad = async (body: Record<string, unknown>) =>
      (await admin.post('/api/v1/connections', { kind: 'openai', name: 'bad', ...body })).body as {
        error: { field: string };
      };
    expect((await bad({ kind: 'gemini' })).error.field).toBe('kind');
    expect((await bad({ baseUrl: 'ftp://x' })).error.field).toBe('baseUrl');
    expect((await bad({ secretEnv: 'NOT-A-NAME' })).error.field).toBe('secretEnv');
    expect((await bad({ secret: 'a', secretEnv: 'B' })).error.field).toBe('secret');
    expect((await bad({ maxConcurrency: 0 })).error.field).toBe('maxConcurrency');
    expect((await admin.post('/api/v1/connections', { name: 'stored', kind: 'openai' })).status).toBe(409);
  });

  it('refuse a base URL the outbound guard forbids, when created and when changed (400 naming baseUrl)', async () => {
    const internal = await admin.post('/api/v1/connections', {
      name: 'internal',
      kind: 'openai',
      baseUrl: 'http://169.254.169.254/v1',
    });
    expect(internal.status).toBe(400);
    expect(internal.error).toMatchObject({ field: 'baseUrl' });
    expect(internal.error?.message).toContain('169.254.169.254 is a metadata address');
    const changed = await admin.patch('/api/v1/connections/stored', { baseUrl: 'http://10.1.2.3:8000/v1' });
    expect(changed.status).toBe(400);
    expect(changed.error?.message).toContain('baseUrl: 10.1.2.3 is a private address');
    expect((await admin.get('/api/v1/connections/internal')).status).toBe(404);
  });

  it('store the secret encrypted, never in clear', async () => {
    const rows = await tl.store.query<{ secret_sealed: string }>(
      "SELECT secret_sealed FROM model_connections WHERE id = 'stored'",
    );
    expect(rows[0]!.secret_sealed).toMatch(/^v1\./);
    const table = JSON.stringify(await tl.store.query('SELECT * FROM model_connections'));
    expect(table).not.toContain(STORED_SECRET);
  });

  it('test the connection with the decrypted secret, and with the environment variable', async () => {
    const ok = await admin.post<{ ok: boolean; output: string }>('/api/v1/connections/stored/test', {
      model: 'gpt-4o-mini',
    });
    expect(ok.body).toMatchObject({ ok: true, output: 'OK' });
    expect(openai.received.at(-1)!.headers.authorization).toBe(`Bearer ${STORED_SECRET}`);
    const viaEnv = await admin.post<{ ok: boolean }>('/api/v1/connections/by-env/test', { model: 'claude-3-5-haiku' });
    expect(viaEnv.body.ok).toBe(true);
    expect(anthropic.received.at(-1)!.headers['x-api-key']).toBe(ENV_SECRET);
  });

  it('report a provider refusing the key without echoing the key, in the answer, the log or the span', async () => {
    openai.faults.push({
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${STORED_SECRET}`, code: 'invalid_api_key' } },
    });
    const refused = await admin.post<{ ok: boolean; error: { kind: string; message: string } }>(
      '/api/v1/connections/stored/test',
      { model: 'gpt-4o-mini' },
    );
    expect(refused.body).toMatchObject({ ok: false, error: { kind: 'auth', status: 401 } });
    expect(refused.body.error.message).toContain('[redacted]');
    anthropic.faults.push({
      status: 403,
      body: { type: 'error', error: { type: 'permission_error', message: `key ${ENV_SECRET} lacks access` } },
    });
    await admin.post('/api/v1/connections/by-env/test', { model: 'claude-3-5-haiku' });
    const spans = await waitFor('the failed call spans', async () => {
      const rows = await tl.store.query<{ SpanAttributes: Record<string, string>; StatusMessage: string }>(
        "SELECT SpanAttributes, StatusMessage FROM otel_traces WHERE Environment = 'evaluation' AND StatusCode = 'Error'",
      );
      return rows.length >= 2 ? rows : undefined;
    });
    expect(JSON.stringify(spans)).not.toContain(STORED_SECRET);
    expect(JSON.stringify(spans)).not.toContain(ENV_SECRET);
    expect(spans.map((s) => s.SpanAttributes['error.type']).sort()).toEqual(['auth', 'auth']);
  });

  it('change and remove the secret, refuse storing one without CONNECTION_SECRET_KEY, and delete', async () => {
    const moved = await admin.patch('/api/v1/connections/stored', {
      secretEnv: 'TRACELANE_TEST_PROVIDER_KEY',
      timeoutMs: 5000,
    });
    expect(moved.body).toMatchObject({ secret: { source: 'env' }, timeoutMs: 5000, maxConcurrency: 2 });
    const removed = await admin.patch('/api/v1/connections/stored', { removeSecret: true });
    expect(removed.body).toMatchObject({ secret: { source: 'none' } });
    expect((await admin.patch('/api/v1/connections/nope', { timeoutMs: 1000 })).status).toBe(404);
    expect((await deployer.delete('/api/v1/connections/stored')).status).toBe(403);
    expect((await admin.delete('/api/v1/connections/stored')).status).toBe(204);
    expect((await admin.get('/api/v1/connections/stored')).status).toBe(404);
  });

  it('never put a secret into any API answer or log line', () => {
    const answers = everyAnswer.join('\n');
    const log = logLines.join('\n');
    for (const secret of [STORED_SECRET, ENV_SECRET]) {
      expect(answers).not.toContain(secret);
      expect(log).not.toContain(secret);
    }
    expect(log).toContain('model call failed');
  });
});

describe('without CONNECTION_SECRET_KEY', () => {
  it('refuses to store a secret and says how to fix it', () => {
    let error: unknown;
    try {
      secretSource('x', { secret: STORED_SECRET }, '');
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({
      status: 400,
      field: 'secret',
      message: expect.stringContaining('CONNECTION_SECRET_KEY') as string,
    });
    expect(String((error as Error).message)).not.toContain(STORED_SECRET);
    expect(secretSource('x', { secretEnv: 'OPENAI_API_KEY' }, '')).toEqual({ source: 'env', env: 'OPENAI_API_KEY' });
  });

  it('rejects a CONNECTION_SECRET_KEY that is not 32 bytes', () => {
    expect(() => loadConfig({ CONNECTION_SECRET_KEY: 'short' })).toThrow(/CONNECTION_SECRET_KEY: must be 32 bytes/);
  });
});
