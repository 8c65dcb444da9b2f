import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentEvent } from '../../server/registry/deployment-event.js';
import type { PromptOverview } from '../../server/registry/prompt-overview.js';
import { silentLogger } from '../../server/log.js';
import { createRegistry } from '../../server/registry/registry.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { client, enc, promptWithVersions, type Client } from './registry-client.js';

let tl: TestTracelane;
let api: Client;

beforeAll(async () => {
  tl = await startTestTracelane();
  api = client(tl.apiUrl);
});
afterAll(() => tl.close());

interface Conflict {
  error: { field: string };
  current: DeploymentEvent | null;
}

const trail = async (prompt: string) =>
  (await api.get<{ deployments: DeploymentEvent[] }>(`/api/v1/deployments?prompt=${enc(prompt)}`)).body.deployments;

describe('racing writers', () => {
  it('lets exactly one of several deploys expecting the same deployment win; the others get 409 and the winner', async () => {
    const prompt = await promptWithVersions(api, 6);
    const base = await api.post<DeploymentEvent>('/api/v1/deployments', {
      prompt,
      environment: 'production',
      version: 1,
    });
    const racers = await Promise.all(
      [2, 3, 4, 5, 6].map((version) =>
        api.post<DeploymentEvent & Conflict>('/api/v1/deployments', {
          prompt,
          environment: 'production',
          version,
          expectedDeploymentId: base.body.id,
        }),
      ),
    );
    const winners = racers.filter((r) => r.status === 201);
    const losers = racers.filter((r) => r.status === 409);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(4);
    for (const loser of losers) {
      expect(loser.body.error.field).toBe('expectedDeploymentId');
      expect(loser.body.current).toEqual(winners[0]?.body);
    }
    expect(await trail(prompt)).toHaveLength(2);
  });

  it('expects "nothing deployed yet" with expectedDeploymentId null', async () => {
    const prompt = await promptWithVersions(api, 2);
    const body = { prompt, environment: 'staging', expectedDeploymentId: null };
    const [a, b] = await Promise.all([
      api.post('/api/v1/deployments', { ...body, version: 1 }),
      api.post('/api/v1/deployments', { ...body, version: 2 }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
  });

  it('never loses an update among unguarded concurrent deploys and rollbacks: each event replaces the previous one', async () => {
    const prompt = await promptWithVersions(api, 8);
    await api.post('/api/v1/deployments', { prompt, environment: 'production', version: 1 });
    const moves = await Promise.all([
      ...[2, 3, 4, 5, 6, 7, 8].map((version) =>
        api.post('/api/v1/deployments', { prompt, environment: 'production', version }),
      ),
      api.post('/api/v1/deployments/rollback', { prompt, environment: 'production' }),
      api.post('/api/v1/deployments/rollback', { prompt, environment: 'production' }),
    ]);
    expect(moves.every((m) => m.status === 201 || m.status === 200 || m.status === 409)).toBe(true);
    const events = (await trail(prompt)).reverse();
    expect(events.length).toBe(1 + moves.filter((m) => m.status === 201).length);
    for (let i = 1; i < events.length; i++) {
      expect(events[i]?.previousVersion, `event ${i}`).toBe(events[i - 1]?.version);
    }
    const overview = await api.get<PromptOverview>(`/api/v1/prompts/${enc(prompt)}`);
    expect(overview.body.deployments[0]?.version).toBe(events.at(-1)?.version);
  });

  it('serialises service calls (the analysis loop’s registry) with HTTP writes on the same lane', async () => {
    const prompt = await promptWithVersions(api, 6);
    for (const version of [1, 2]) await api.post('/api/v1/deployments', { prompt, environment: 'production', version });
    const registry = createRegistry({ store: tl.store, bus: tl.bus, log: silentLogger });
    const auto = {
      prompt,
      environment: 'production',
      reason: 'regression detected',
      actor: { name: 'tracelane-auto-rollback', role: 'deployer' as const },
    };
    await Promise.all([
      ...[3, 4, 5, 6].map((version) => api.post('/api/v1/deployments', { prompt, environment: 'production', version })),
      registry.rollback(auto).catch(() => undefined),
      registry.rollback(auto).catch(() => undefined),
    ]);
    const events = (await trail(prompt)).reverse();
    for (let i = 1; i < events.length; i++) {
      expect(events[i]?.previousVersion, `event ${i}`).toBe(events[i - 1]?.version);
    }
    expect(events.filter((e) => e.actor === 'tracelane-auto-rollback').length).toBeGreaterThan(0);
  });
});
