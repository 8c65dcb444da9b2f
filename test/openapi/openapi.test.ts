import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authThrottleFor } from '../../server/http/auth-throttle.js';
import { ConnectionMetrics } from '../../server/http/connection-metrics.js';
import { createCollector } from '../../collector/collector.js';
import { createApiApp } from '../../server/app.js';
import { parseApiKeys, staticKeyRing } from '../../server/http/auth.js';
import { silentLogger } from '../../server/log.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';

const KEYS = { viewer: 'viewer-secret-oa', scorer: 'scorer-secret-oa', deployer: 'deployer-secret-oa' };

interface Operation {
  operationId: string;
  tags: string[];
  parameters?: { name: string; in: string }[];
  responses: Record<string, unknown>;
  security?: unknown[];
  'x-required-role'?: 'scorer' | 'deployer' | 'admin';
}
interface Document {
  openapi: string;
  tags: { name: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
}

const METHODS = ['get', 'post', 'patch', 'put', 'delete'];

let t: TestTracelane;
let doc: Document;
let close: () => Promise<void>;
let registered: string[];
beforeAll(async () => {
  t = await startTestTracelane({
    API_KEYS: `v:viewer:${KEYS.viewer},s:scorer:${KEYS.scorer},d:deployer:${KEYS.deployer}`,
  });
  const res = await fetch(`${t.apiUrl}/api/v1/openapi.json`); // no key: the document is public
  expect(res.status).toBe(200);
  doc = (await res.json()) as Document;

  // the two Express apps exactly as Tracelane builds them
  const connections = new ConnectionMetrics();
  const authThrottle = authThrottleFor(t.config);
  const collector = createCollector({ config: t.config, store: t.store, log: silentLogger, connections, authThrottle });
  const keys = staticKeyRing(parseApiKeys(t.config.API_KEYS));
  const collectorAddress = { address: '127.0.0.1', port: 4318 };
  const api = createApiApp({
    ...t,
    log: silentLogger,
    keys,
    metrics: collector.metrics,
    connections,
    authThrottle,
    collectorAddress,
  });
  registered = [...new Set([...routesOf(api), ...routesOf(collector.app)])]; // GET /metrics is on both ports
  close = () => collector.close();
});
afterAll(async () => {
  await close();
  await t.close();
});

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  rawPath?: unknown;
}

/** Every `METHOD /path` an Express app routes, walking mounted routers; regexp routes (the UI fallback) aside. */
function routesOf(app: Express): string[] {
  const walk = (stack: Layer[], prefix: string): string[] =>
    stack.flatMap((layer) => {
      if (layer.route) {
        const paths = ([] as unknown[]).concat(layer.route.path).filter((p): p is string => typeof p === 'string');
        const methods = Object.keys(layer.route.methods).filter((m) => m !== '_all');
        return paths.flatMap((p) => methods.map((m) => `${m.toUpperCase()} ${toTemplate(prefix + p)}`));
      }
      if (!layer.handle.stack) return [];
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      return walk(layer.handle.stack, prefix + mount);
    });
  return walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
}

const toTemplate = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function documented(): { key: string; path: string; method: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => m in item).map((method) => ({
      key: `${method.toUpperCase()} ${path}`,
      path,
      method,
      op: item[method] as Operation,
    })),
  );
}

describe('GET /api/v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(documented().length).toBeGreaterThan(30);
  });

  it('describes exactly the routes the server registers', () => {
    const described = documented().map((d) => d.key);
    const missingFromDocument = registered.filter((r) => !described.includes(r));
    const notRegistered = described.filter((d) => !registered.includes(d));
    expect({ missingFromDocument, notRegistered }).toEqual({ missingFromDocument: [], notRegistered: [] });
  });

  it('resolves every $ref to a component', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/(\w+)\/(\w+)"/g)];
    expect(refs.length).toBeGreaterThan(50);
    const dangling = refs
      .map(([, kind, name]) => `${kind}/${name}`)
      .filter((r) => {
        const [kind, name] = r.split('/') as [string, string];
        return doc.components[kind]?.[name] === undefined;
      });
    expect(dangling).toEqual([]);
  });

  it('gives every operation a unique id, a known tag, responses, and its path parameters', () => {
    const tags = new Set(doc.tags.map((tag) => tag.name));
    const ids = documented().map((d) => d.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { key, path, op } of documented()) {
      expect(
        op.tags.every((tag) => tags.has(tag)),
        key,
      ).toBe(true);
      expect(Object.keys(op.responses).length, key).toBeGreaterThan(0);
      const inTemplate = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = (op.parameters ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => p.name)
        .sort();
      expect(declared, key).toEqual(inTemplate);
    }
  });
});

describe('the documented security matches what the server enforces', () => {
  const call = async (method: string, path: string, key?: string) => {
    const url = t.apiUrl + path.replace(/\{(\w+)\}/g, 'doc-check');
    const res = await fetch(url, {
      method: method.toUpperCase(),
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json' },
      ...(method === 'get' || method === 'delete' ? {} : { body: '{}' }),
    });
    await res.body?.cancel(); // the event stream never ends by itself
    return res.status;
  };
  const collectorPaths = ['/v1/traces', '/v1/logs', '/api/public/otel/v1/traces']; // the collector has its own keys
  const apiOperations = () => documented().filter((d) => !collectorPaths.includes(d.path));

  it('refuses requests without a key exactly where the document says a key is needed', async () => {
    for (const { key, method, path, op } of apiOperations()) {
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      const status = await call(method, path);
      if (isPublic) expect(status, key).not.toBe(401);
      else expect(status, key).toBe(401);
    }
  });

  it('refuses a viewer exactly the operations documented with a required role, a scorer all but the scorer ones, and a deployer the admin ones', async () => {
    const scorerOperations: string[] = [];
    for (const { key, method, path, op } of apiOperations()) {
      const role = op['x-required-role'];
      const viewer = await call(method, path, KEYS.viewer);
      if (role) expect(viewer, key).toBe(403);
      else expect(viewer, key).not.toBe(403);
      const scorer = await call(method, path, KEYS.scorer);
      if (role && role !== 'scorer') expect(scorer, key).toBe(403);
      else expect(scorer, key).not.toBe(403);
      if (role === 'scorer') scorerOperations.push(key);
      if (role === 'admin') expect(await call(method, path, KEYS.deployer), key).toBe(403);
    }
    // A scorer key (an application sending feedback) may change nothing but scores.
    expect(scorerOperations).toEqual(['POST /api/v1/scores']);
  });
});
