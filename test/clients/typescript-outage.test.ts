import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileCache } from '../../clients/typescript/src/file-cache.js';
import { Tracelane, TracelaneError } from '../../clients/typescript/src/index.js';
import { loadConfig } from '../../server/config.js';
import { silentLogger } from '../../server/log.js';
import { startTracelane, type Tracelane as Server } from '../../server/tracelane.js';
import { tempDataDir } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';
import { client, promptWithVersions } from '../registry/registry-client.js';

/**
 * Tracelane stops while applications run: the running client keeps serving its last known version, marked stale;
 * an application restarted during the outage serves it from the file cache; when Tracelane is back on the same
 * address both pick up what was deployed meanwhile, fresh again.
 */
const dataDir = tempDataDir('tracelane-client-outage-');
const cacheDir = mkdtempSync(join(tmpdir(), 'tracelane-client-cache-'));
const clients: Tracelane[] = [];
let server: Server | undefined;

const start = (ports: { api: string; otlp: string }) =>
  startTracelane(loadConfig({ PORT: ports.api, OTLP_PORT: ports.otlp, DATA_DIR: dataDir }), silentLogger);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('TypeScript client during an outage', () => {
  it('serves the last known version (stale), from the file cache after a restart, and recovers', async () => {
    server = await start({ api: '0', otlp: '0' });
    const ports = { api: new URL(server.apiUrl).port, otlp: new URL(server.otlpUrl).port };
    const url = server.apiUrl;
    const admin = client(url);
    const prompt = await promptWithVersions(admin, 2, 'outage');
    await admin.post('/api/v1/deployments', { prompt, environment: 'production', version: 1 });
    const canaried = await promptWithVersions(admin, 2, 'outage');
    await admin.post('/api/v1/deployments', { prompt: canaried, environment: 'production', version: 1 });
    await admin.post('/api/v1/deployments', {
      prompt: canaried,
      environment: 'production',
      version: 2,
      canaryPercent: 50,
    });
    const errors: TracelaneError[] = [];
    const connect = (cached: boolean) => {
      const tracelane = new Tracelane({
        url,
        maxRetries: 0,
        refreshIntervalMs: 600_000,
        ...(cached ? { cache: fileCache(cacheDir) } : {}),
        onError: (error) => errors.push(error),
      });
      clients.push(tracelane);
      return tracelane;
    };
    const production = { environment: 'production' };

    const running = connect(true);
    expect(await running.getPrompt(prompt, production)).toMatchObject({ version: 1, status: 'fresh' });
    const keys = Array.from({ length: 20 }, (_, i) => `user-${i}`);
    const arms = await Promise.all(
      keys.map(async (key) => (await running.getPrompt(canaried, { ...production, key })).arm),
    );
    expect(new Set(arms)).toEqual(new Set(['stable', 'canary']));
    await waitFor('the event stream', () => (running.stats().streaming ? true : undefined));
    await waitFor('the cache files', () => (readdirSync(cacheDir).length === 2 ? true : undefined)); // one per lane

    await server.close();
    server = undefined;
    const stale = await waitFor('the running client to notice', async () => {
      const p = await running.getPrompt(prompt, production);
      return p.status === 'stale' ? p : undefined;
    });
    expect(stale.version).toBe(1);
    expect(running.stats().streaming).toBe(false);
    // During a canary, a known key keeps its arm; a new key gets the stable version at once, without a request.
    await waitFor('the canary lane to turn stale', async () =>
      (await running.getPrompt(canaried, production)).status === 'stale' ? true : undefined,
    );
    for (const [i, key] of keys.entries()) {
      expect(await running.getPrompt(canaried, { ...production, key })).toMatchObject({
        arm: arms[i],
        status: 'stale',
      });
    }
    expect(await running.getPrompt(canaried, { ...production, key: 'new-user' })).toMatchObject({
      arm: 'stable',
      version: 1,
      status: 'stale',
    });
    expect(errors.filter((e) => e.status === null).length).toBeGreaterThanOrEqual(1);

    // The application restarts while Tracelane is down.
    const restarted = connect(true);
    const fromFile = await restarted.getPrompt(prompt, production);
    expect(fromFile).toMatchObject({ version: 1, status: 'stale', arm: 'stable' });
    expect(fromFile.confirmedAt!.getTime()).toBeLessThanOrEqual(stale.confirmedAt!.getTime()); // saved when it changed
    expect(fromFile.render({ question: 'still there?' }).messages[1]?.content).toBe('still there?');
    await expect(connect(false).getPrompt(prompt, production)).rejects.toBeInstanceOf(TracelaneError);

    // Tracelane comes back on the same address; version 2 is deployed.
    server = await start(ports);
    await client(url).post('/api/v1/deployments', { prompt, environment: 'production', version: 2 });
    for (const app of [running, restarted]) {
      await waitFor('the client to serve version 2, fresh', async () => {
        const p = await app.getPrompt(prompt, production);
        return p.version === 2 && p.status === 'fresh' ? true : undefined;
      });
    }
  });
});
