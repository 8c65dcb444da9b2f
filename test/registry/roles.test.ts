import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredKey } from '../../server/http/stored-keys.js';
import type { DeploymentEvent } from '../../server/registry/deployment-event.js';
import type { DeploymentRequest } from '../../server/registry/request-queries.js';
import { staticKeyRing } from '../../server/http/auth.js';
import { silentLogger } from '../../server/log.js';
import { keysRouter } from '../../server/registry/keys-router.js';
import { registryRouter } from '../../server/registry/registry-router.js';
import { generationSpan, hex } from '../analysis/span-factory.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { client, enc, promptWithVersions, uniqueName, versionBody, type Client } from './registry-client.js';

const SECRETS = {
  admin: 'admin-secret',
  deployer: 'deployer-secret',
  scorer: 'scorer-secret',
  viewer: 'viewer-secret',
} as const;
type KeyName = keyof typeof SECRETS;

let tl: TestTracelane;
const as: Record<KeyName | 'anonymous', Client> = {} as Record<KeyName | 'anonymous', Client>;

beforeAll(async () => {
  tl = await startTestTracelane({
    API_KEYS: Object.entries(SECRETS)
      .map(([name, secret]) => `${name}:${name}:${secret}`)
      .join(','),
  });
  for (const name of Object.keys(SECRETS) as KeyName[]) as[name] = client(tl.apiUrl, SECRETS[name]);
  as.anonymous = client(tl.apiUrl);
});
afterAll(() => tl.close());

interface Fixture {
  path: string;
  body?: unknown;
}

interface Route {
  method: 'post' | 'patch' | 'delete' | 'get';
  /** Builds the path and body with fresh fixtures, so the allowed call succeeds. */
  setup: () => Fixture | Promise<Fixture>;
  role: 'deployer' | 'admin';
}

/** A prompt with versions 1..3, version 1 live in production. */
async function livePrompt() {
  const prompt = await promptWithVersions(as.admin, 3);
  await as.admin.post('/api/v1/deployments', { prompt, environment: 'production', version: 1 });
  return prompt;
}

async function canaryId() {
  const prompt = await livePrompt();
  const res = await as.admin.post<DeploymentEvent>('/api/v1/deployments', {
    prompt,
    environment: 'production',
    version: 2,
    canaryPercent: 10,
  });
  return res.body.id;
}

/** A pending request made by the admin key, so the deployer may review it. */
async function requestId() {
  const prompt = await livePrompt();
  const res = await as.admin.post<DeploymentRequest>('/api/v1/deployments/requests', {
    prompt,
    environment: 'production',
    version: 2,
  });
  return res.body.id;
}

/** Every mutating route (and the admin-only read of keys), with the least role that may call it. */
const ROUTES: Record<string, Route> = {
  'POST /prompts': {
    method: 'post',
    role: 'deployer',
    setup: () => ({ path: '/api/v1/prompts', body: { name: uniqueName() } }),
  },
  'PATCH /prompts/{name}': {
    method: 'patch',
    role: 'deployer',
    setup: async () => ({
      path: `/api/v1/prompts/${enc(await promptWithVersions(as.admin, 0))}`,
      body: { tags: ['team:billing'] },
    }),
  },
  'POST /prompts/{name}/versions': {
    method: 'post',
    role: 'deployer',
    setup: async () => ({
      path: `/api/v1/prompts/${enc(await promptWithVersions(as.admin, 0))}/versions`,
      body: versionBody(1),
    }),
  },
  'POST /environments': {
    method: 'post',
    role: 'admin',
    setup: () => ({
      path: '/api/v1/environments',
      body: { name: `lane-${Math.random().toString(36).slice(2, 8)}` },
    }),
  },
  'PATCH /environments/{name}': {
    method: 'patch',
    role: 'admin',
    setup: () => ({ path: '/api/v1/environments/qa', body: { policies: { autoPromote: true } } }),
  },
  'POST /deployments': {
    method: 'post',
    role: 'deployer',
    setup: async () => ({
      path: '/api/v1/deployments',
      body: { prompt: await livePrompt(), environment: 'production', version: 2 },
    }),
  },
  'POST /deployments/rollback': {
    method: 'post',
    role: 'deployer',
    setup: async () => {
      const prompt = await livePrompt();
      await as.admin.post('/api/v1/deployments', { prompt, environment: 'production', version: 2 });
      return { path: '/api/v1/deployments/rollback', body: { prompt, environment: 'production', reason: 'test' } };
    },
  },
  'POST /deployments/external': {
    method: 'post',
    role: 'deployer',
    setup: async () => ({
      path: '/api/v1/deployments/external',
      body: { prompt: await livePrompt(), environment: 'staging', version: 3 },
    }),
  },
  'POST /deployments/{id}/promote': {
    method: 'post',
    role: 'deployer',
    setup: async () => ({ path: `/api/v1/deployments/${await canaryId()}/promote`, body: {} }),
  },
  'POST /deployments/requests': {
    method: 'post',
    role: 'deployer',
    setup: async () => ({
      path: '/api/v1/deployments/requests',
      body: { prompt: await livePrompt(), environment: 'production', version: 2 },
    }),
  },
  'POST /deployments/requests/{id}/approve': {
    method: 'post',
    role: 'deployer',
    setup: async () => ({ path: `/api/v1/deployments/requests/${await requestId()}/approve`, body: { comment: 'ok' } }),
  },
  'POST /deployments/requests/{id}/reject': {
    method: 'post',
    role: 'deployer',
    setup: async () => ({ path: `/api/v1/deployments/requests/${await requestId()}/reject`, body: { comment: 'no' } }),
  },
  'POST /keys': {
    method: 'post',
    role: 'admin',
    setup: () => ({ path: '/api/v1/keys', body: { name: uniqueName('ci').replace('/', '-'), role: 'viewer' } }),
  },
  'GET /keys': { method: 'get', role: 'admin', setup: () => ({ path: '/api/v1/keys' }) },
  'DELETE /keys/{id}': {
    method: 'delete',
    role: 'admin',
    setup: async () => {
      const key = await as.admin.post<StoredKey>('/api/v1/keys', {
        name: uniqueName('gone').replace('/', '-'),
        role: 'viewer',
      });
      return { path: `/api/v1/keys/${key.body.id}` };
    },
  },
};

const call = (who: Client, route: Route, path: string, body: unknown) =>
  route.method === 'get' || route.method === 'delete' ? who[route.method](path) : who[route.method](path, body);

/** `METHOD /path` of every route a router (and its sub-routers) declares, with `:param` written `{param}`. */
interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}
const routesOf = (stack: Layer[]): string[] =>
  stack.flatMap((layer) => {
    const route = layer.route;
    if (route)
      return Object.keys(route.methods).map((m) => `${m.toUpperCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    return layer.handle.stack ? routesOf(layer.handle.stack) : [];
  });

describe('role enforcement', () => {
  it('covers every mutating route the registry and keys routers declare', () => {
    const ctx = { config: tl.config, store: tl.store, bus: tl.bus, log: silentLogger, keys: staticKeyRing([]) };
    const declared = [registryRouter(ctx), keysRouter(ctx)].flatMap((router) =>
      routesOf((router as unknown as { stack: Layer[] }).stack),
    );
    const mutating = declared.filter((r) => !r.startsWith('GET ') || r === 'GET /keys');
    expect(mutating.sort()).toEqual(Object.keys(ROUTES).sort());
  });

  for (const [name, route] of Object.entries(ROUTES)) {
    it(`${name}: 401 without a key, 403 below ${route.role}, success with ${route.role}`, async () => {
      const { path, body } = await route.setup();
      expect((await call(as.anonymous, route, path, body)).status).toBe(401);
      // scorer (reads, and posts scores) is below deployer: refused every route here.
      const below: KeyName[] = route.role === 'admin' ? ['viewer', 'scorer', 'deployer'] : ['viewer', 'scorer'];
      for (const who of below) {
        const res = await call(as[who], route, path, body);
        expect(res.status, who).toBe(403);
        expect(res.error?.message).toContain(route.role);
      }
      const allowed = await call(as[route.role], route, path, body);
      expect(allowed.status, JSON.stringify(allowed.body)).toBeGreaterThanOrEqual(200);
      expect(allowed.status).toBeLessThan(300);
    });
  }

  it('lets a viewer and a scorer read everything', async () => {
    const prompt = await livePrompt();
    for (const path of [
      '/api/v1/prompts',
      `/api/v1/prompts/${enc(prompt)}`,
      `/api/v1/prompts/${enc(prompt)}/versions`,
      `/api/v1/prompts/${enc(prompt)}/versions/1`,
      `/api/v1/prompts/${enc(prompt)}/diff?from=1&to=production`,
      `/api/v1/prompts/${enc(prompt)}/resolve?environment=production`,
      '/api/v1/environments',
      `/api/v1/deployments?prompt=${enc(prompt)}`,
      '/api/v1/deployments/requests',
    ]) {
      expect((await as.viewer.get(path)).status, path).toBe(200);
      expect((await as.scorer.get(path)).status, path).toBe(200);
    }
  });

  it('POST /scores: 401 without a key, 403 for a viewer, success with a scorer (and every role above)', async () => {
    const traceId = hex(16);
    await tl.store.insert('otel_traces', [
      generationSpan({ time: Date.now() - 60_000, environment: 'production', prompt: 'scored', traceId }),
    ]);
    const body = { traceId, name: 'thumbs', value: true, source: 'user' };
    expect((await as.anonymous.post('/api/v1/scores', body)).status).toBe(401);
    const viewer = await as.viewer.post('/api/v1/scores', body);
    expect([viewer.status, viewer.error?.message]).toEqual([
      403,
      'this action needs the scorer role; key "viewer" has viewer',
    ]);
    for (const who of ['scorer', 'deployer', 'admin'] as const) {
      const res = await as[who].post<{ traceId: string }>('/api/v1/scores', body);
      expect([res.status, res.body.traceId], who).toEqual([201, traceId]);
    }
  });

  it('records the key name as the actor of every event and the author of every version', async () => {
    const prompt = await promptWithVersions(as.deployer, 1);
    const version = await as.deployer.get<{ author: string }>(`/api/v1/prompts/${enc(prompt)}/versions/1`);
    expect(version.body.author).toBe('deployer');
    const event = await as.deployer.post<DeploymentEvent>('/api/v1/deployments', {
      prompt,
      environment: 'qa',
      version: 1,
    });
    expect(event.body.actor).toBe('deployer');
  });
});

describe('stored API keys', () => {
  it('returns the secret once, stores only its SHA-256, accepts it with its role until it is revoked', async () => {
    const name = `ci-${Math.random().toString(36).slice(2, 8)}`;
    const created = await as.admin.post<StoredKey & { secret: string }>('/api/v1/keys', { name, role: 'deployer' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, role: 'deployer', createdBy: 'admin', revokedAt: null });
    const { secret, id } = created.body;
    expect(secret).toMatch(/^tl_[\w-]{43}$/);
    const rows = await tl.store.query<Record<string, unknown>>(`SELECT * FROM api_keys WHERE id = {id:String}`, { id });
    expect(JSON.stringify(rows)).not.toContain(secret);
    const listed = await as.admin.get<{ keys: Record<string, unknown>[] }>('/api/v1/keys');
    expect(listed.body.keys.find((k) => k['id'] === id)).not.toHaveProperty('secret');

    const ci = client(tl.apiUrl, secret);
    const prompt = await promptWithVersions(ci, 1);
    const deployed = await ci.post<DeploymentEvent>('/api/v1/deployments', { prompt, environment: 'qa', version: 1 });
    expect([deployed.status, deployed.body.actor]).toEqual([201, name]);
    expect((await ci.post('/api/v1/environments', { name: 'nope' })).status).toBe(403);

    const revoked = await as.admin.delete<StoredKey>(`/api/v1/keys/${id}`);
    expect([revoked.status, revoked.body.revokedBy]).toEqual([200, 'admin']);
    expect((await ci.get('/api/v1/prompts')).status).toBe(401);
    expect((await as.admin.delete(`/api/v1/keys/no-such-key`)).status).toBe(404);
  });

  it('stores a scorer key: it reads and posts scores, and may not write a prompt or deploy', async () => {
    const name = `feedback-${Math.random().toString(36).slice(2, 8)}`;
    const created = await as.admin.post<StoredKey & { secret: string }>('/api/v1/keys', { name, role: 'scorer' });
    expect([created.status, created.body.role]).toEqual([201, 'scorer']);
    const app = client(tl.apiUrl, created.body.secret);
    expect((await app.get<{ role: string }>('/api/v1/me')).body.role).toBe('scorer');
    const prompt = await livePrompt();
    expect((await app.get(`/api/v1/prompts/${enc(prompt)}/resolve?environment=production`)).status).toBe(200);
    const unknownTrace = await app.post('/api/v1/scores', {
      traceId: hex(16),
      name: 'thumbs',
      value: false,
      source: 'user',
    });
    expect(unknownTrace.status).toBe(404); // past the role check: the trace has not arrived
    expect((await app.post('/api/v1/prompts', { name: uniqueName() })).status).toBe(403);
    const deploy = await app.post('/api/v1/deployments', { prompt, environment: 'production', version: 2 });
    expect(deploy.status).toBe(403);
  });

  it('keeps key names unique among configured and stored keys, and validates name and role', async () => {
    expect((await as.admin.post('/api/v1/keys', { name: 'deployer', role: 'viewer' })).status).toBe(409);
    const name = `twice-${Math.random().toString(36).slice(2, 8)}`;
    const [a, b] = await Promise.all([
      as.admin.post('/api/v1/keys', { name, role: 'viewer' }),
      as.admin.post('/api/v1/keys', { name, role: 'viewer' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const badRole = await as.admin.post('/api/v1/keys', { name: 'x1', role: 'owner' });
    expect([badRole.status, badRole.error?.field]).toEqual([400, 'role']);
    const badName = await as.admin.post('/api/v1/keys', { name: 'has space', role: 'viewer' });
    expect([badName.status, badName.error?.field]).toEqual([400, 'name']);
  });
});
