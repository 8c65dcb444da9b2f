import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeProvider } from '../fixtures/fake-model-servers.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { tracelaneProcess } from './run-cli.js';
import { plantedDataset, setUpScenario, smallDataset, triageModel } from '../experiments/triage-scenario.js';

/** `tracelane eval run` as a CI job runs it: a child process against a real server and a fake provider. */
let t: TestTracelane;
let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  fake.answer = triageModel;
  t = await startTestTracelane({ OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1' }); // the fake provider listens on loopback;
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

const tracelane = (args: string[]) => tracelaneProcess(args, { TRACELANE_URL: t.apiUrl });

describe('tracelane eval run', () => {
  it('prints the per-category table and exits 0 when no category regressed (4/5 → 2/5 is not enough items)', async () => {
    const s = await setUpScenario(t.apiUrl, fake, smallDataset());
    const run = await tracelane([
      'eval',
      'run',
      s.prompt,
      '--version',
      '2',
      '--dataset',
      s.dataset,
      '--baseline',
      '1',
      '--connection',
      s.connection,
      '--evaluators',
      s.evaluator,
      '--wait',
    ]);
    expect(run.stderr).toContain('started run');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /billing\s+4\/5\s+2\/5\s+2\s+0\.500\s+1\.000\s+not enough items \(needs ≥ 6 discordant\)/,
    );
    expect(run.stdout).toMatch(/auth\s+5\/5\s+5\/5\s+0\s+1\.000\s+1\.000\s+unchanged/);
    expect(run.stdout).toContain('no category regressed');
  });

  it('exits 2 naming the category when one regressed, taking the evaluators of the previous run', async () => {
    const s = await setUpScenario(t.apiUrl, fake, plantedDataset());
    const first = await tracelane([
      'eval',
      'run',
      s.prompt,
      '--version',
      '1',
      '--dataset',
      s.dataset,
      '--connection',
      s.connection,
      '--evaluators',
      s.evaluator,
      '--wait',
    ]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/billing\s+12\/12\s+0/);
    const run = await tracelane([
      'eval',
      'run',
      s.prompt,
      '--version',
      '2',
      '--dataset',
      s.dataset,
      '--baseline',
      '1',
      '--connection',
      s.connection,
      '--wait',
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/billing\s+12\/12\s+4\/12\s+8\s+0\.008\s+0\.016\s+REGRESSED/);
    expect(run.stdout).toContain(`regressed: ${s.evaluator}/all, ${s.evaluator}/billing`);
  });

  it('refuses a missing option without calling the server, and reports an API refusal with exit 2', async () => {
    const usage = await tracelane(['eval', 'run', 'p', '--dataset', 'd']);
    expect(usage).toMatchObject({ code: 1 });
    expect(usage.stderr).toContain('--version is required');
    const refused = await tracelane([
      'eval',
      'run',
      'no-such-prompt',
      '--version',
      '1',
      '--dataset',
      'd',
      '--evaluators',
      'x',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('has no version 1');
  });
});
