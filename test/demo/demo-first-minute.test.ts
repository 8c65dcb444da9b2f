import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, type RunningDemo } from '../../demo/run-demo.js';
import { PROMPT } from '../../demo/story.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * The demo's first minute, for real: Tracelane on a fresh embedded store, the triage services sending OTLP through
 * the official SDK, the story replayed 60× faster, the analysis loop running every second. Nothing is mocked.
 */
interface Deployment {
  id: string;
  kind: string;
  environment: string;
  version: number;
  time: string;
}
interface Analysis {
  verdict: string;
  metrics: { name: string; verdict: string }[];
}

const SPEED = 60;

describe('npm run demo: the first minute', () => {
  let tracelane: TestTracelane;
  let demo: RunningDemo;
  const lines: string[] = [];
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(tracelane.apiUrl + path);
    expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
    return (await res.json()) as T;
  };
  const spansByVersion = async (environment: string, since: number) =>
    tracelane.store.query<{ version: string; n: number }>(
      `SELECT PromptVersion AS version, count() AS n FROM otel_traces
       WHERE Environment = {environment:String} AND PromptName = {prompt:String} AND IsGeneration = 1
         AND Timestamp >= fromUnixTimestamp64Milli({since:Int64})
       GROUP BY version ORDER BY version`,
      { environment, prompt: PROMPT, since },
    );
  const production = async () =>
    (await get<{ deployments: Deployment[] }>(`/api/v1/deployments?prompt=${PROMPT}&environment=production`))
      .deployments;

  beforeAll(async () => {
    // the demo's simulated model listens on loopback, as `npm run demo` allows it
    tracelane = await startTestTracelane({ ANALYSIS_INTERVAL_MS: '1000', OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1' });
    demo = await runDemo({
      apiUrl: tracelane.apiUrl,
      otlpUrls: [tracelane.otlpUrl],
      speed: SPEED,
      regression: true,
      historyHours: 0.5,
      seed: 42,
      say: (line) => lines.push(line),
    });
  });
  afterAll(async () => {
    await demo?.close();
    await tracelane?.close();
  });

  it('sends the history and live traffic through OTLP, both environments on version 1 at first', async () => {
    expect(demo.firstRun).toBe(true);
    const history = await spansByVersion('production', Date.now() - 3_600_000);
    expect(history[0]?.version).toBe('1');
    expect(history[0]?.n).toBeGreaterThan(1000);
    const staging = await spansByVersion('staging', Date.now() - 3_600_000);
    expect(staging[0]?.n).toBeGreaterThan(200);
    const trace = await get<{ traces: unknown[] }>(`/api/v1/traces?environment=production&prompt=${PROMPT}&limit=5`);
    expect(trace.traces.length).toBeGreaterThan(0);
  });

  it('deploys version 2 to staging, then to production, and the services switch without a restart', async () => {
    await waitFor('the story to finish', () => (demo.story.done() ? true : undefined));
    await demo.story.settled();
    const staging = await get<{ deployments: Deployment[] }>(
      `/api/v1/deployments?prompt=${PROMPT}&environment=staging`,
    );
    expect(staging.deployments[0]).toMatchObject({ version: 2, kind: 'external' });
    const [v2] = await production();
    expect(v2).toMatchObject({
      version: 2,
      kind: 'external',
      gateOverride: expect.stringContaining('api-platform') as string,
    });
    expect(lines.some((l) => l.includes('[story] the release gate refuses') && l.includes('billing'))).toBe(true);
    expect(Date.parse(staging.deployments[0]!.time)).toBeLessThan(Date.parse(v2!.time));
    await waitFor('production to serve version 2', async () =>
      (await demo.services.production.prompt()).version === 2 ? true : undefined,
    );
  });

  it('ran the experiment before version 2 shipped: the review request shows the gate refusing billing 4/5 → 2/5', async () => {
    const runs = await get<{ runs: { id: string; version: number; state: string }[] }>(
      `/api/v1/experiments?prompt=${PROMPT}`,
    );
    expect(runs.runs.map((r) => [r.version, r.state]).sort()).toEqual([
      [1, 'completed'],
      [2, 'completed'],
    ]);
    const { requests } = await get<{ requests: { id: string; version: number; environment: string }[] }>(
      `/api/v1/deployments/requests?prompt=${PROMPT}&status=pending`,
    );
    expect(requests).toMatchObject([{ version: 2, environment: 'production' }]);
    const evidence = await get<{
      gate: {
        dataset: string;
        alreadyLive: boolean;
        liveVersion: number;
        message: string;
        comparison: { comparison: { scores: { categories: { category: string; summary: string }[] }[] } };
      };
    }>(`/api/v1/deployments/requests/${requests[0]!.id}/evidence`);
    // v2 serves in production by now (deployed over the gate): the run shown is the one against v1, which it replaced
    expect(evidence.gate).toMatchObject({ dataset: 'support-tickets', alreadyLive: true, liveVersion: 1 });
    expect(evidence.gate.message).toContain('billing: routing_correct 4/5 → 2/5');
    const rows = evidence.gate.comparison.comparison.scores[0]!.categories.map((c) => c.summary.split(':')[0]);
    expect(rows).toEqual(['api-platform 5/5 → 5/5', 'auth 5/5 → 5/5', 'billing 4/5 → 2/5', 'dashboard 5/5 → 5/5']);
  });

  it('judges version 2 in production a failure on quality (and flags its cost)', async () => {
    await waitFor('the demo clock to catch up', () => (demo.clock.live() ? true : undefined));
    const [v2] = await production();
    const analysis = await waitFor(
      'the verdict to turn fail',
      async () => {
        const res = await fetch(`${tracelane.apiUrl}/api/v1/deployments/${v2!.id}/analysis`);
        const body = res.ok ? ((await res.json()) as Analysis) : undefined;
        return body?.verdict === 'fail' ? body : undefined;
      },
      90_000, // generous: the analysis loop and the replayed traffic slow down on a busy machine
    );
    const verdictOf = (name: string) => analysis.metrics.find((m) => m.name === name)?.verdict;
    expect(verdictOf('quality')).toBe('fail');
    expect(['warn', 'fail']).toContain(verdictOf('cost_per_request'));
    expect(verdictOf('error_rate')).not.toBe('fail');
    expect(lines.some((l) => l.includes('[tracelane] FAIL: version 2 in production'))).toBe(true);
  });

  it('rolls back: the application resolves version 1 within a second and its new spans carry version 1', async () => {
    const res = await fetch(`${tracelane.apiUrl}/api/v1/deployments/rollback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: PROMPT, environment: 'production', reason: 'billing tickets misrouted' }),
    });
    expect(res.status).toBe(201);
    const rolledBackAt = Date.now();
    await waitFor(
      'production to serve version 1',
      async () => ((await demo.services.production.prompt()).version === 1 ? true : undefined),
      1000,
    );
    const switchedAt = Date.now();
    expect(switchedAt - rolledBackAt).toBeLessThan(1000);

    const since = switchedAt + 50;
    const after = await waitFor('new production spans after the rollback', async () => {
      await demo.services.production.flush();
      const rows = await spansByVersion('production', since);
      return rows.reduce((n, r) => n + r.n, 0) >= 10 ? rows : undefined;
    });
    expect(after.map((r) => r.version)).toEqual(['1']);
    expect((await demo.services.staging.prompt()).version).toBe(2);
  });
});
