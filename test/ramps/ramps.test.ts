import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentEvent } from '../../server/registry/deployment-event.js';
import type { DeploymentRequest } from '../../server/registry/request-queries.js';
import type { RampView } from '../../server/ramps/ramp-view.js';
import { BASE_PROFILE } from '../analysis/traffic.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { client, enc, promptWithVersions, type Client } from '../registry/registry-client.js';
import { insertTraffic, MIN, rampClock, SMALL_DETECTOR } from './ramp-helpers.js';

/**
 * Ramps end to end on a compressed clock: the environment's default strategy (5 % → 25 % → 50 % → 100 %, 10 min
 * each) walked with healthy traffic; a planted regression rolled back at the step where it appears; a ramp paused as
 * inconclusive on low traffic, then resumed, skipped and aborted by hand; review before a ramp into a protected
 * environment; every ramp action audited (actor, reason) and on the charts' deployment list.
 */
const KEYS = { alice: 'alice-secret', bob: 'bob-secret', root: 'root-secret', watcher: 'watcher-secret' };
let tl: TestTracelane;
let alice: Client;
let bob: Client;
let root: Client;
let watcher: Client;
let ramps: ReturnType<typeof rampClock>;
const STRATEGY = {
  steps: [
    { percent: 5, minutes: 10 },
    { percent: 25, minutes: 10 },
    { percent: 50, minutes: 10 },
  ],
};
const ENV = 'ramped';

beforeAll(async () => {
  tl = await startTestTracelane({
    ANALYSIS_INTERVAL_MS: '3600000',
    API_KEYS:
      'alice:deployer:alice-secret,bob:deployer:bob-secret,root:admin:root-secret,watcher:viewer:watcher-secret',
  });
  [alice, bob, root, watcher] = [KEYS.alice, KEYS.bob, KEYS.root, KEYS.watcher].map((k) => client(tl.apiUrl, k)) as [
    Client,
    Client,
    Client,
    Client,
  ];
  const created = await root.post('/api/v1/environments', {
    name: ENV,
    policies: { autoRollback: true, detector: SMALL_DETECTOR, defaultStrategy: STRATEGY },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  ramps = rampClock(tl);
});

afterAll(async () => {
  await tl?.close();
});

/** A prompt with versions 1..3 and version 1 live in the ramped environment since an hour ago. */
async function laneWithV1(): Promise<{ prompt: string; environment: string }> {
  const prompt = await promptWithVersions(alice, 3, 'ramp');
  const live = await alice.post('/api/v1/deployments/external', {
    prompt,
    environment: ENV,
    version: 1,
    timestamp: Date.now() - 60 * MIN,
  });
  expect(live.status).toBe(201);
  return { prompt, environment: ENV };
}

const rampOf = async (id: string) => (await watcher.get<RampView>(`/api/v1/ramps/${id}`)).body;

describe('a ramp', () => {
  it('follows the default strategy and advances through its steps with healthy traffic', async () => {
    const lane = await laneWithV1();
    const started = await alice.post<DeploymentEvent>('/api/v1/deployments', { ...lane, version: 2, reason: 'new' });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ kind: 'canary_start', canaryPercent: 5, rampStep: 0, strategy: STRATEGY });
    const id = started.body.id;
    expect(started.body.rampId).toBe(id);

    let stepStart = Date.parse(started.body.time);
    for (const [index, percent] of [5, 25, 50].entries()) {
      const view = await rampOf(id);
      expect(view).toMatchObject({ status: 'running', stepIndex: index, percent });
      // Traffic arrives as the step runs: the analysis loop re-evaluates a deployment when new data comes in.
      const arms = [{ version: 2 }, { version: 1 }];
      await insertTraffic(tl, lane, arms, stepStart, 6, 240, 100 + index);
      const early = await ramps.tick(stepStart + 6 * MIN);
      expect(early.find((o) => o.ramp.id === id)?.decision).toMatchObject({ action: 'wait' });
      await insertTraffic(tl, lane, arms, stepStart + 6 * MIN, 4, 160, 200 + index);
      const [outcome] = (await ramps.tick(stepStart + 10 * MIN + 1000)).filter((o) => o.ramp.id === id);
      expect(outcome?.decision.action, outcome?.decision.reason).toBe(index === 2 ? 'complete' : 'advance');
      expect(outcome?.event).toMatchObject({ actor: 'ramp', rampId: id, rampStep: index + 1 });
      expect(outcome?.event?.reason).toContain(`step ${index + 1} of 3 (${percent}%) passed`);
      stepStart = Date.parse(outcome?.event?.time ?? '');
    }
    const done = await rampOf(id);
    expect(done).toMatchObject({ status: 'completed', ended: { kind: 'canary_promote', actor: 'ramp' } });
    const resolved = await watcher.get<{ version: number; canary: unknown }>(
      `/api/v1/prompts/${enc(lane.prompt)}/resolve?environment=${ENV}`,
    );
    expect(resolved.body).toMatchObject({ version: 2, canary: null });
    // Every step is on the lane's deployment list — what the charts draw as markers.
    const events = await watcher.get<{ deployments: DeploymentEvent[] }>(
      `/api/v1/deployments?prompt=${enc(lane.prompt)}&environment=${ENV}`,
    );
    expect(events.body.deployments.filter((e) => e.rampId === id).map((e) => [e.kind, e.canaryPercent])).toEqual([
      ['canary_promote', 100],
      ['canary_start', 50],
      ['canary_start', 25],
      ['canary_start', 5],
    ]);
  });

  it('is rolled back at the step where a planted regression appears', async () => {
    const lane = await laneWithV1();
    const started = await alice.post<DeploymentEvent>('/api/v1/deployments', { ...lane, version: 2 });
    const id = started.body.id;
    const t0 = Date.parse(started.body.time);
    await insertTraffic(tl, lane, [{ version: 2 }, { version: 1 }], t0, 10, 400, 7);
    const [advanced] = (await ramps.tick(t0 + 10 * MIN + 1000)).filter((o) => o.ramp.id === id);
    expect(advanced?.decision.action).toBe('advance');
    const t1 = Date.parse(advanced?.event?.time ?? '');
    // At 25 % the new version answers worse: quality falls from 0.85 to 0.65.
    const worse = { ...BASE_PROFILE, quality: 0.65 };
    await insertTraffic(tl, lane, [{ version: 2, profile: worse }, { version: 1 }], t1, 4, 400, 8);
    const first = (await ramps.tick(t1 + 4 * MIN)).find((o) => o.ramp.id === id);
    expect(first?.decision).toMatchObject({ action: 'wait', reason: expect.stringContaining('fails') as string });
    await ramps.tick(t1 + 5 * MIN);
    const view = await rampOf(id);
    expect(view).toMatchObject({
      status: 'aborted',
      stepIndex: 1,
      ended: { kind: 'canary_abort', actor: 'auto-rollback' },
    });
    expect(view.ended?.reason).toContain('quality');
    const resolved = await watcher.get<{ version: number; canary: unknown }>(
      `/api/v1/prompts/${enc(lane.prompt)}/resolve?environment=${ENV}&key=someone`,
    );
    expect(resolved.body).toMatchObject({ version: 1, canary: null });
  });

  it('pauses as inconclusive on low traffic, saying what is missing; resume, skip and abort are audited', async () => {
    const lane = await laneWithV1();
    const started = await alice.post<DeploymentEvent>('/api/v1/deployments', {
      ...lane,
      version: 3,
      strategy: { steps: [{ percent: 10, minutes: 10 }, { percent: 40, minutes: 10 }, { percent: 100 }] },
    });
    const id = started.body.id;
    const t0 = Date.parse(started.body.time);
    await insertTraffic(tl, lane, [{ version: 3 }, { version: 1 }], t0, 10, 40, 9);
    const [paused] = (await ramps.tick(t0 + 10 * MIN + 1000)).filter((o) => o.ramp.id === id);
    expect(paused?.decision.action).toBe('pause');
    expect(paused?.event).toMatchObject({ kind: 'ramp_pause', actor: 'ramp', rampStep: 0, canaryPercent: 10 });
    expect(paused?.event?.reason).toMatch(/too few samples: error_rate 40 \/ 300 samples per arm \(≈ \d+ min more/);
    expect((await rampOf(id)).pause?.reason).toBe(paused?.event?.reason);
    // Paused: the traffic split is unchanged, and the ramp waits for a person.
    expect((await ramps.tick(t0 + 60 * MIN)).find((o) => o.ramp.id === id)).toBeUndefined();
    expect(await rampOf(id)).toMatchObject({ status: 'paused', stepIndex: 0, percent: 10 });

    const resumed = await bob.post<DeploymentEvent>(`/api/v1/ramps/${id}/resume`, { reason: 'traffic picks up at 9' });
    expect(resumed.body).toMatchObject({ kind: 'ramp_resume', actor: 'bob', reason: 'traffic picks up at 9' });
    expect(Date.parse((await rampOf(id)).stepDueAt)).toBe(Date.parse(resumed.body.time) + 10 * MIN);
    const skipped = await bob.post<DeploymentEvent>(`/api/v1/ramps/${id}/skip`, { percent: 40, reason: 'seen enough' });
    expect(skipped.body).toMatchObject({ kind: 'canary_start', canaryPercent: 40, rampStep: 1, actor: 'bob' });
    const badSkip = await bob.post(`/api/v1/ramps/${id}/skip`, { percent: 30 });
    expect([badSkip.status, badSkip.error?.field, badSkip.error?.message]).toEqual([
      400,
      'percent',
      "percent: must be one of the ramp's steps: 10, 40, 100",
    ]);
    const pausedByHand = await alice.post<DeploymentEvent>(`/api/v1/ramps/${id}/pause`, { reason: 'incident' });
    expect(pausedByHand.body).toMatchObject({ kind: 'ramp_pause', actor: 'alice', reason: 'incident' });
    expect((await alice.post(`/api/v1/ramps/${id}/pause`, {})).status).toBe(409);
    const aborted = await alice.post<DeploymentEvent>(`/api/v1/ramps/${id}/abort`, { reason: 'not today' });
    expect(aborted.body).toMatchObject({ kind: 'canary_abort', version: 1, previousVersion: 3, rampId: id });
    expect((await alice.post(`/api/v1/ramps/${id}/resume`, {})).error?.message).toContain('is aborted');

    const audit = await watcher.get<{ deployments: DeploymentEvent[] }>(
      `/api/v1/deployments?prompt=${enc(lane.prompt)}&environment=${ENV}`,
    );
    expect(
      audit.body.deployments
        .filter((e) => e.rampId === id)
        .map((e) => `${e.kind} ${e.actor}: ${e.reason.slice(0, 16)}`),
    ).toEqual([
      'canary_abort alice: not today',
      'ramp_pause alice: incident',
      'canary_start bob: seen enough',
      'ramp_resume bob: traffic picks up',
      `ramp_pause ramp: ${paused?.event?.reason.slice(0, 16)}`,
      'canary_start alice: ',
    ]);
    const series = await watcher.get<{ deployments: DeploymentEvent[] }>(
      `/api/v1/metrics/timeseries?environment=${ENV}&prompt=${enc(lane.prompt)}&from=${t0 - MIN}&to=${t0 + 60 * MIN}`,
    );
    expect(series.body.deployments.filter((e) => e.rampId === id)).toHaveLength(6);
  });

  it('needs a review to start in a protected environment; abort never waits for one', async () => {
    const lane = await laneWithV1();
    await root.patch(`/api/v1/environments/${ENV}`, { protected: true });
    try {
      const asked = await alice.post<DeploymentRequest>('/api/v1/deployments', { ...lane, version: 2 });
      expect(asked.status).toBe(202);
      expect(asked.body).toMatchObject({ status: 'pending', strategy: STRATEGY });
      const approved = await bob.post<DeploymentRequest>(`/api/v1/deployments/requests/${asked.body.id}/approve`, {});
      const started = await watcher.get<DeploymentEvent>(`/api/v1/deployments/${approved.body.deploymentId}`);
      expect(started.body).toMatchObject({ kind: 'canary_start', rampStep: 0, actor: 'bob', requestId: asked.body.id });
      const aborted = await alice.post<DeploymentEvent>(`/api/v1/ramps/${started.body.id}/abort`, { reason: 'oops' });
      expect(aborted.status).toBe(201);
    } finally {
      await root.patch(`/api/v1/environments/${ENV}`, { protected: false });
    }
  });

  it('deploys at once with strategy null, refuses bad strategies naming the field, and checks roles', async () => {
    const lane = await laneWithV1();
    const direct = await alice.post<DeploymentEvent>('/api/v1/deployments', { ...lane, version: 2, strategy: null });
    expect(direct.body).toMatchObject({ kind: 'deploy', rampId: null });
    const bad = await alice.post('/api/v1/deployments', {
      ...lane,
      version: 3,
      strategy: {
        steps: [
          { percent: 20, minutes: 5 },
          { percent: 10, minutes: 5 },
        ],
      },
    });
    expect([bad.status, bad.error?.field]).toEqual([400, 'strategy.steps.1.percent']);
    const both = await alice.post('/api/v1/deployments', { ...lane, version: 3, canaryPercent: 5, strategy: STRATEGY });
    expect([both.status, both.error?.field]).toEqual([400, 'strategy']);
    const started = await alice.post<DeploymentEvent>('/api/v1/deployments', { ...lane, version: 3 });
    const manual = await alice.post('/api/v1/deployments', { ...lane, version: 3, canaryPercent: 30 });
    expect([manual.status, manual.error?.message]).toEqual([409, expect.stringContaining('a ramp of version 3')]);
    expect((await watcher.post(`/api/v1/ramps/${started.body.id}/pause`, {})).status).toBe(403);
    expect((await client(tl.apiUrl).get('/api/v1/ramps')).status).toBe(401);
    const listed = await watcher.get<{ ramps: RampView[] }>(`/api/v1/ramps?prompt=${enc(lane.prompt)}`);
    expect(listed.body.ramps.map((r) => [r.id, r.status, r.timeLeftMs !== null])).toEqual([
      [started.body.id, 'running', true],
    ]);
    expect((await watcher.get('/api/v1/ramps/nope')).status).toBe(404);
  });
});
