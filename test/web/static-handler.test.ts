import express from 'express';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMiddleware } from '../../server/http/errors.js';
import { silentLogger } from '../../server/log.js';
import { otlpEndpoint } from '../../server/web/me-router.js';
import { createWebHandler } from '../../server/web/static-handler.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';

/** The UI's static handler on a built and on a missing `web/dist`, and `GET /api/v1/me` on a real server. */
const dist = mkdtempSync(join(tmpdir(), 'tracelane-web-'));
let built: Server;
let missing: Server;
let tl: TestTracelane;

function serve(dir: string): Promise<Server> {
  const app = express();
  app.use(createWebHandler(dir));
  app.use(errorMiddleware(silentLogger)); // as server/app.ts mounts them
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}
const base = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

beforeAll(async () => {
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>ui</title>');
  writeFileSync(join(dist, 'assets', 'app-abc123.js'), 'console.log(1)');
  built = await serve(dist);
  missing = await serve(join(dist, 'nope'));
  tl = await startTestTracelane({ API_KEYS: 'ann:viewer:viewer-key,ops:admin:admin-key' });
});

afterAll(async () => {
  await new Promise((resolve) => built.close(resolve));
  await new Promise((resolve) => missing.close(resolve));
  await tl.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('the web UI handler', () => {
  it('answers any client-side route with index.html, uncached, under a strict content security policy', async () => {
    const res = await fetch(`${base(built)}/prompts/a%2Fb/environments/production?range=6h`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>ui</title>');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('serves hashed assets with a long cache and 404s unknown assets instead of returning the page', async () => {
    const asset = await fetch(`${base(built)}/assets/app-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${base(built)}/assets/app-missing.js`)).status).toBe(404);
  });

  it('never shows where Tracelane is installed in a 404 or 400', async () => {
    for (const path of ['/assets/app-missing.js', '/assets/', '/assets/x%00.js', '/assets/%E0.js']) {
      const res = await fetch(`${base(built)}${path}`);
      const text = await res.text();
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(text, path).not.toContain(dist);
      expect(text, path).not.toMatch(/ENOENT|stat '/);
      expect(JSON.parse(text), path).toHaveProperty('error.message');
    }
    const missingAsset = await fetch(`${base(built)}/assets/app-missing.js`);
    expect(await missingAsset.json()).toEqual({ error: { code: 'not_found', message: 'not found' } });
  });

  it('explains how to build the UI when web/dist is missing', async () => {
    const res = await fetch(`${base(missing)}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build:web');
  });
});

describe('the UI on the API port', () => {
  it('keeps unknown API paths as JSON 404s rather than the page', async () => {
    const res = await fetch(`${tl.apiUrl}/api/v1/nope`, { headers: { authorization: 'Bearer viewer-key' } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('tells the UI who the key belongs to (GET /api/v1/me), and 401 without a key', async () => {
    const me = await fetch(`${tl.apiUrl}/api/v1/me`, { headers: { authorization: 'Bearer viewer-key' } });
    const otlpEndpoint = tl.otlpUrl; // the collector listens on loopback here (no INGEST_KEYS)
    expect(await me.json()).toEqual({ name: 'ann', role: 'viewer', authEnabled: true, otlpEndpoint });
    const admin = await fetch(`${tl.apiUrl}/api/v1/me`, { headers: { 'x-api-key': 'admin-key' } });
    expect(await admin.json()).toEqual({ name: 'ops', role: 'admin', authEnabled: true, otlpEndpoint });
    expect((await fetch(`${tl.apiUrl}/api/v1/me`)).status).toBe(401);
  });

  it('gives the collector address as the browser reaches it when the collector listens on every interface', () => {
    expect(otlpEndpoint({ address: '0.0.0.0', port: 4318 }, 'tracelane.internal')).toBe(
      'http://tracelane.internal:4318',
    );
    expect(otlpEndpoint({ address: '::', port: 4000 }, '::1')).toBe('http://[::1]:4000');
    expect(otlpEndpoint({ address: '10.0.0.5', port: 4318 }, 'localhost')).toBe('http://10.0.0.5:4318');
  });
});
