import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import type { StoredKey } from '../../server/http/stored-keys.js';
import { silentLogger } from '../../server/log.js';
import type { DeploymentEvent } from '../../server/registry/deployment-event.js';
import type { Environment } from '../../server/registry/environment-queries.js';
import type { DeploymentRequest } from '../../server/registry/request-queries.js';
import { startTracelane, type Tracelane } from '../../server/tracelane.js';
import { tempDataDir } from '../helpers/tracelane.js';
import { client, enc, promptWithVersions } from './registry-client.js';

const dataDir = tempDataDir('tracelane-registry-restart-');
const start = () =>
  startTracelane(
    loadConfig({
      PORT: '0',
      OTLP_PORT: '0',
      OTLP_GRPC_PORT: '0',
      DATA_DIR: dataDir,
      API_KEYS: 'admin:admin:a,ops:deployer:o',
    }),
    silentLogger,
  );
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Everything the registry API shows about one prompt and the installation. */
async function snapshotOf(tl: Tracelane, prompt: string) {
  const api = client(tl.apiUrl, 'a');
  const get = async (path: string) => (await api.get(path)).body;
  return {
    prompt: await get(`/api/v1/prompts/${enc(prompt)}`),
    versions: await get(`/api/v1/prompts/${enc(prompt)}/versions`),
    trail: await get(`/api/v1/deployments?prompt=${enc(prompt)}`),
    resolve: await get(`/api/v1/prompts/${enc(prompt)}/resolve?environment=production&key=user-1`),
    environments: await get('/api/v1/environments'),
    requests: await get(`/api/v1/deployments/requests?prompt=${enc(prompt)}`),
    keys: await get('/api/v1/keys'),
  };
}

describe('restart', () => {
  it('loses nothing: prompts, versions, deployments, canary, environments, requests and stored keys', async () => {
    const first = await start();
    const api = client(first.apiUrl, 'a');
    const prompt = await promptWithVersions(api, 3);
    await api.post('/api/v1/deployments', { prompt, environment: 'production', version: 1 });
    await api.post('/api/v1/deployments', { prompt, environment: 'production', version: 2 });
    await api.post('/api/v1/deployments/rollback', { prompt, environment: 'production', reason: 'restart test' });
    await api.post('/api/v1/deployments', { prompt, environment: 'production', version: 3, canaryPercent: 20 });
    await api.patch('/api/v1/environments/staging', {
      primary: true,
      protected: true,
      policies: { autoPromote: true },
    });
    await api.post('/api/v1/environments', { name: 'canary-lab', order: 10 });
    const request = await client(first.apiUrl, 'o').post<DeploymentRequest>('/api/v1/deployments', {
      prompt,
      environment: 'staging',
      version: 2,
    });
    expect(request.status).toBe(202);
    const key = await api.post<StoredKey & { secret: string }>('/api/v1/keys', { name: 'ci', role: 'deployer' });
    const before = await snapshotOf(first, prompt);
    await first.close();

    const second = await start();
    try {
      expect(await snapshotOf(second, prompt)).toEqual(before);
      const environments = (before.environments as { environments: Environment[] }).environments;
      expect(environments.map((e) => e.name)).toEqual(['development', 'qa', 'staging', 'production', 'canary-lab']);
      expect(environments.filter((e) => e.primary).map((e) => e.name)).toEqual(['staging']);
      const ci = client(second.apiUrl, key.body.secret);
      const next = await ci.post<DeploymentEvent>('/api/v1/deployments/rollback', {
        prompt,
        environment: 'production',
      });
      expect(next.body).toMatchObject({ kind: 'canary_abort', version: 1, actor: 'ci' });
      const approved = await client(second.apiUrl, 'a').post<DeploymentRequest>(
        `/api/v1/deployments/requests/${request.body.id}/approve`,
        {},
      );
      expect(approved.body.status).toBe('approved');
    } finally {
      await second.close();
    }
  });
});
