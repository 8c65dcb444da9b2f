import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentEvent } from '../../server/registry/deployment-event.js';
import type { PromptOverview } from '../../server/registry/prompt-overview.js';
import { createRegistry } from '../../server/registry/registry.js';
import type { Resolution } from '../../server/registry/resolve.js';
import { silentLogger } from '../../server/log.js';
import { startClickHouseFixture, type ClickHouseFixture } from '../fixtures/clickhouse-http-fixture.js';
import { startTestTracelane, tempDataDir, type TestTracelane } from '../helpers/tracelane.js';
import { client, enc, promptWithVersions, type Client } from './registry-client.js';

/** The same registry flow on the @clickhouse/client backend (over the HTTP fixture): one SQL text, two backends. */
let fixtureDir: string;
let fixture: ClickHouseFixture;
let tl: TestTracelane;
let api: Client;

beforeAll(async () => {
  fixtureDir = tempDataDir('tracelane-registry-ch-');
  fixture = await startClickHouseFixture(fixtureDir);
  tl = await startTestTracelane({
    CLICKHOUSE_URL: fixture.url,
    CLICKHOUSE_USER: fixture.user,
    CLICKHOUSE_PASSWORD: fixture.password,
  });
  api = client(tl.apiUrl);
});
afterAll(async () => {
  await tl.close();
  await fixture.close();
  rmSync(fixtureDir, { recursive: true, force: true });
});

describe('registry on the ClickHouse client backend', () => {
  it('versions, deploys, runs a canary, rolls back and resolves with reads consistent after each write', async () => {
    expect(tl.store.backend).toBe('clickhouse');
    const before = fixture.requests.query;
    const prompt = await promptWithVersions(api, 3);
    for (const version of [1, 2]) await api.post('/api/v1/deployments', { prompt, environment: 'production', version });
    await api.post('/api/v1/deployments', { prompt, environment: 'production', version: 3, canaryPercent: 50 });
    const overview = await api.get<PromptOverview>(`/api/v1/prompts/${enc(prompt)}`);
    expect(overview.body.deployments[0]).toMatchObject({ version: 2, canary: { version: 3, percent: 50 } });
    const rollback = () =>
      api.post<DeploymentEvent>('/api/v1/deployments/rollback', { prompt, environment: 'production' });
    expect((await rollback()).body).toMatchObject({ kind: 'canary_abort', version: 2 });
    expect((await rollback()).body).toMatchObject({ kind: 'rollback', version: 1 });
    expect((await rollback()).status).toBe(409);
    const resolved = await api.get<Resolution>(`/api/v1/prompts/${enc(prompt)}/resolve?environment=production`);
    expect(resolved.body).toMatchObject({ version: 1, arm: 'stable', snapshot: { version: 1 } });

    const registry = createRegistry({ store: tl.store, bus: tl.bus, log: silentLogger });
    const auto = await registry.deploy({
      prompt,
      environment: 'production',
      version: 3,
      reason: 'service',
      actor: { name: 'svc', role: 'deployer' as const },
    });
    expect(auto.event).toMatchObject({ kind: 'deploy', version: 3, previousVersion: 1, actor: 'svc' });
    expect((await registry.laneState(prompt, 'production')).history).toEqual([1, 3]);
    const trail = await api.get<{ deployments: DeploymentEvent[] }>(`/api/v1/deployments?prompt=${enc(prompt)}`);
    expect(trail.body.deployments.map((e) => e.kind)).toEqual([
      'deploy',
      'rollback',
      'canary_abort',
      'canary_start',
      'deploy',
      'deploy',
    ]);
    expect(fixture.requests.query - before).toBeGreaterThan(20);
  });
});
