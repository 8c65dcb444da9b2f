import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import type { RunSummary } from '../../server/experiments/run-summary.js';
import { silentLogger } from '../../server/log.js';
import { startTracelane, type Tracelane } from '../../server/tracelane.js';
import { startFakeOpenAI, type FakeProvider } from '../fixtures/fake-model-servers.js';
import { tempDataDir } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';
import { client } from '../registry/registry-client.js';
import { setUpScenario, triageModel } from './triage-scenario.js';

/**
 * A server stopped in the middle of a run, then started again on the same data: the run is resumed where it
 * stopped (every item recorded exactly once) and never shows as completed before it is.
 */
const dataDir = tempDataDir();
const config = loadConfig({
  PORT: '0',
  OTLP_PORT: '0',
  OTLP_GRPC_PORT: '0',
  DATA_DIR: dataDir,
  OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1', // the fake provider listens on loopback
});
let fake: FakeProvider;
let tl: Tracelane | undefined;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  fake.answer = triageModel;
});
afterAll(async () => {
  await tl?.close();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a run across a restart', () => {
  it('is resumed at start-up and finishes with every item once', async () => {
    tl = await startTracelane(config, silentLogger);
    const s = await setUpScenario(tl.apiUrl, fake, undefined, undefined, { name: 'slow', maxConcurrency: 1 });
    fake.delayMs = 150;
    const started = await s.api.post<RunSummary>('/api/v1/experiments', {
      prompt: s.prompt,
      version: 1,
      dataset: s.dataset,
      evaluators: [s.evaluator],
    });
    expect(started.status).toBe(201);
    const id = started.body.id;
    await waitFor('a few items', async () =>
      (await s.api.get<RunSummary>(`/api/v1/experiments/${id}`)).body.progress.done >= 3 ? true : undefined,
    );
    // a second run whose connection is deleted before the restart cannot resume: it is marked interrupted
    await s.api.post('/api/v1/connections', { name: 'doomed', kind: 'openai', baseUrl: fake.url, maxConcurrency: 1 });
    const doomed = (
      await s.api.post<RunSummary>('/api/v1/experiments', {
        prompt: s.prompt,
        version: 2,
        dataset: s.dataset,
        evaluators: [s.evaluator],
        connection: 'doomed',
      })
    ).body.id;
    expect((await s.api.delete('/api/v1/connections/doomed')).status).toBe(204);
    await tl.close();
    tl = undefined;

    fake.delayMs = 0;
    const requestsBefore = fake.received.length;
    tl = await startTracelane(config, silentLogger);
    const api = client(tl.apiUrl);
    const afterRestart = (await api.get<RunSummary>(`/api/v1/experiments/${id}`)).body;
    expect(['running', 'completed']).toContain(afterRestart.state);
    expect(afterRestart.progress.done).toBeGreaterThanOrEqual(3);
    const done = await waitFor('the resumed run to complete', async () => {
      const run = (await api.get<RunSummary>(`/api/v1/experiments/${id}`)).body;
      return run.state === 'completed' ? run : undefined;
    });
    expect(done.progress).toMatchObject({ total: 20, done: 20, errors: 0 });
    const { results } = (await api.get<{ results: { itemId: string }[] }>(`/api/v1/experiments/${id}/results`)).body;
    expect(new Set(results.map((r) => r.itemId)).size).toBe(20);
    expect(results).toHaveLength(20);
    // only the items without a result were asked again (an item in flight at shutdown is asked twice at most)
    expect(fake.received.length - requestsBefore).toBeLessThanOrEqual(20 - afterRestart.progress.done);
    const events = await tl.store.query<{ state: string; message: string }>(
      'SELECT state, message FROM experiment_run_events WHERE run_id = {id:String} ORDER BY seq',
      { id },
    );
    expect(events).toEqual([
      { state: 'queued', message: '' },
      { state: 'running', message: '' },
      { state: 'running', message: 'resumed after a restart' },
      { state: 'completed', message: '' },
    ]);
    const interrupted = await waitFor('the other run to be marked interrupted', async () => {
      const run = (await api.get<RunSummary>(`/api/v1/experiments/${doomed}`)).body;
      return run.state === 'interrupted' ? run : undefined;
    });
    expect(interrupted.message).toBe('connection doomed was deleted');
    expect(interrupted.progress.done).toBeLessThan(20);
  });
});
