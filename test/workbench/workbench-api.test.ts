import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Draft, DraftSummary } from '../../server/drafts/draft-events.js';
import type { PromptVersion } from '../../server/registry/version-queries.js';
import type { PromptComparison } from '../../server/workbench/compare-sides.js';
import type { ReviewEvidence } from '../../server/workbench/review-evidence.js';
import { deploymentEvent, generationSpan, hex, nanoTime } from '../analysis/span-factory.js';
import { SseClient } from '../events/sse-client.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { client, enc, uniqueName, type Client } from '../registry/registry-client.js';

/**
 * The workbench API: drafts (autosave, revisions, publish as a version), render, compare (diff beside live
 * figures and offline results) and the evidence of a review request — through HTTP with real keys.
 */
const KEYS = { alice: 'alice-secret-wb', bob: 'bob-secret-wb', ops: 'ops-secret-wb', view: 'viewer-secret-wb' };

let t: TestTracelane;
let alice: Client;
let bob: Client;
let ops: Client;
let viewer: Client;

beforeAll(async () => {
  t = await startTestTracelane({
    API_KEYS: `alice:deployer:${KEYS.alice},bob:deployer:${KEYS.bob},ops:admin:${KEYS.ops},view:viewer:${KEYS.view}`,
    ANALYSIS_INTERVAL_MS: '3600000', // the verdicts here are placed by the test
  });
  [alice, bob, ops, viewer] = [KEYS.alice, KEYS.bob, KEYS.ops, KEYS.view].map((k) => client(t.apiUrl, k)) as [
    Client,
    Client,
    Client,
    Client,
  ];
});
afterAll(() => t.close());

const content = (text: string, extra: Record<string, unknown> = {}) => ({
  provider: 'openai',
  model: 'gpt-4o-mini',
  settings: { temperature: 0.2 },
  messages: [
    { role: 'system', content: `Route tickets for {{company}}. ${text}` },
    { role: 'user', content: '{{ticket}}' },
  ],
  variables: [
    { name: 'company', default: 'Acme' },
    { name: 'ticket', description: 'The ticket text', required: true },
  ],
  ...extra,
});

async function newPrompt(): Promise<string> {
  const name = uniqueName('wb');
  expect((await alice.post('/api/v1/prompts', { name })).status).toBe(201);
  return name;
}

const draftPath = (prompt: string, author: string) => `/api/v1/prompts/${enc(prompt)}/drafts/${enc(author)}`;

describe('drafts', () => {
  it('saves as you type, numbers revisions, shows who edits, and survives as the newest save', async () => {
    const prompt = await newPrompt();
    const first = await alice.put<Draft>(draftPath(prompt, 'alice'), { messages: [], commitMessage: '' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ prompt, author: 'alice', revision: 1, baseVersion: null, provider: '' });
    const second = await alice.put<Draft>(draftPath(prompt, 'alice'), {
      ...content('Be brief.'),
      commitMessage: 'first cut',
      revision: 1,
    });
    expect(second.body).toMatchObject({ revision: 2, commitMessage: 'first cut', model: 'gpt-4o-mini' });
    await bob.put(draftPath(prompt, 'bob'), content('Bob was here.'));

    const read = await viewer.get<Draft>(draftPath(prompt, 'alice'));
    expect(read.body).toMatchObject({ revision: 2, messages: content('Be brief.').messages });
    const editing = await viewer.get<{ drafts: DraftSummary[] }>(`/api/v1/prompts/${enc(prompt)}/drafts`);
    expect(editing.body.drafts.map((d) => d.author).sort()).toEqual(['alice', 'bob']);
    const mine = await viewer.get<{ drafts: DraftSummary[] }>(`/api/v1/drafts?author=alice&prompt=${enc(prompt)}`);
    expect(mine.body.drafts).toEqual([expect.objectContaining({ prompt, author: 'alice', revision: 2 })]);
  });

  it('refuses a save based on a revision it has not seen, and writes to someone else’s draft', async () => {
    const prompt = await newPrompt();
    await alice.put(draftPath(prompt, 'alice'), content('one'));
    await alice.put(draftPath(prompt, 'alice'), { ...content('two'), revision: 1 });
    const stale = await alice.put<{ current: Draft }>(draftPath(prompt, 'alice'), { ...content('three'), revision: 1 });
    expect([stale.status, stale.error?.field]).toEqual([409, 'revision']);
    expect(stale.body.current.revision).toBe(2);
    const foreign = await bob.put(draftPath(prompt, 'alice'), content('mine now'));
    expect(foreign.status).toBe(403);
    expect(foreign.error?.message).toContain('only alice can edit this draft');
    expect((await viewer.put(draftPath(prompt, 'view'), content('x'))).status).toBe(403);
    expect((await alice.get<Draft>(draftPath(prompt, 'alice'))).body.messages[0]?.content).toContain('two');
  });

  it('refuses bad content naming the field, and keeps the previous save', async () => {
    const prompt = await newPrompt();
    await alice.put(draftPath(prompt, 'alice'), content('good'));
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [
        content('x', { variables: [{ name: 'ticket' }, { name: 'ticket' }] }),
        'variables.1.name',
        /"ticket" is declared twice/,
      ],
      [
        content('x', { messages: [{ role: 'user', content: 'a'.repeat(500_001) }] }),
        'messages.0.content',
        /at most 500,000 characters/,
      ],
      [content('x', { tools: '[{"name": }]' }), 'tools', /./],
      [content('x', { messages: [{ role: 'robot', content: 'hi' }] }), 'messages.0.role', /./],
    ];
    for (const [body, field, message] of cases) {
      const res = await alice.put(draftPath(prompt, 'alice'), body);
      expect([res.status, res.error?.field], field).toEqual([400, field]);
      expect(res.error?.message).toMatch(message);
    }
    const kept = await alice.get<Draft>(draftPath(prompt, 'alice'));
    expect([kept.body.revision, kept.body.messages[0]?.content]).toEqual([1, expect.stringContaining('good')]);
  });

  it('publishes a complete draft as a version with its commit message, and closes the draft', async () => {
    const prompt = await newPrompt();
    const incomplete = await alice.put<Draft>(draftPath(prompt, 'alice'), { model: 'gpt-4o-mini', messages: [] });
    const refused = await alice.post(`${draftPath(prompt, 'alice')}/publish`, { commitMessage: 'too early' });
    expect([refused.status, refused.error?.field]).toEqual([400, 'provider']);
    expect((await alice.get<Draft>(draftPath(prompt, 'alice'))).body.revision).toBe(incomplete.body.revision);

    const saved = await alice.put<Draft>(draftPath(prompt, 'alice'), { ...content('v1'), commitMessage: 'first' });
    expect((await bob.post(`${draftPath(prompt, 'alice')}/publish`, {})).status).toBe(403);
    const published = await alice.post<PromptVersion>(`${draftPath(prompt, 'alice')}/publish`, {
      revision: saved.body.revision,
    });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ version: 1, commitMessage: 'first', author: 'alice' });
    expect((await alice.get(draftPath(prompt, 'alice'))).status).toBe(404);
    const late = await alice.put(draftPath(prompt, 'alice'), { ...content('late tab'), revision: saved.body.revision });
    expect(late.status).toBe(409);
    expect(late.error?.message).toContain('saved as version 1');

    // The same content again gives the existing version back; a new draft starts from it.
    await alice.put(draftPath(prompt, 'alice'), { ...content('v1'), baseVersion: 1, revision: 0 });
    const same = await alice.post<PromptVersion>(`${draftPath(prompt, 'alice')}/publish`, { commitMessage: 'again' });
    expect([same.status, same.body.version]).toEqual([200, 1]);
  });

  it('discards a draft: the author, or an admin; nobody else', async () => {
    const prompt = await newPrompt();
    await bob.put(draftPath(prompt, 'bob'), content('abandoned'));
    expect((await alice.delete(draftPath(prompt, 'bob'))).status).toBe(403);
    expect((await ops.delete(draftPath(prompt, 'bob'))).status).toBe(204);
    expect((await bob.delete(draftPath(prompt, 'bob'))).status).toBe(404);
    const list = await viewer.get<{ drafts: DraftSummary[] }>(`/api/v1/prompts/${enc(prompt)}/drafts`);
    expect(list.body.drafts).toEqual([]);
    expect((await viewer.get(`/api/v1/prompts/nope-${hex(3)}/drafts/alice`)).status).toBe(404);
    expect((await viewer.get(`/api/v1/prompts/nope-${hex(3)}/drafts`)).status).toBe(404);
  });
});

describe('draft events', () => {
  it('announces a save, a discard and a publish: prompt, author, revision and time, never the content', async () => {
    const prompt = await newPrompt();
    const types = 'draft.saved,draft.discarded,draft.published';
    const stream = await SseClient.open(`${t.apiUrl}/api/v1/events?types=${types}`, {
      authorization: `Bearer ${KEYS.view}`,
    });
    try {
      const next = async () => {
        const m = await stream.next((x) => x.data !== undefined, 20_000);
        const body = JSON.parse(m.data!) as { type: string; data: Record<string, unknown> };
        expect(body.type).toBe(m.event);
        return body;
      };
      await alice.put(draftPath(prompt, 'alice'), content('secret words'));
      const saved = await next();
      expect(saved).toMatchObject({ type: 'draft.saved', data: { prompt, author: 'alice', revision: 1 } });
      expect(Object.keys(saved.data).sort()).toEqual(['author', 'prompt', 'revision', 'time']);
      expect(JSON.stringify(saved)).not.toContain('secret words');

      expect((await alice.post(`${draftPath(prompt, 'alice')}/publish`, {})).status).toBe(201);
      expect(await next()).toMatchObject({ type: 'draft.published', data: { prompt, author: 'alice', version: 1 } });

      await bob.put(draftPath(prompt, 'bob'), content('bob'));
      expect((await next()).type).toBe('draft.saved');
      expect((await ops.delete(draftPath(prompt, 'bob'))).status).toBe(204);
      expect(await next()).toMatchObject({ type: 'draft.discarded', data: { prompt, author: 'bob', revision: 2 } });
    } finally {
      stream.close();
    }
  });
});

describe('render', () => {
  let prompt: string;
  beforeAll(async () => {
    prompt = await newPrompt();
    await alice.post(`/api/v1/prompts/${enc(prompt)}/versions`, content('v1'));
    await alice.post('/api/v1/deployments', { prompt, environment: 'staging', version: 1 });
    await alice.put(draftPath(prompt, 'alice'), content('Draft text {{extra}}.', { variables: [{ name: 'ticket' }] }));
  });
  const render = (body: unknown, api = viewer) =>
    api.post<Record<string, unknown>>(`/api/v1/prompts/${enc(prompt)}/render`, body);

  it('renders a version, an environment and a draft with defaults and non-string values', async () => {
    const byVersion = await render({ version: 1, variables: { ticket: 'Refund please', unused: 'x' } });
    expect(byVersion.status).toBe(200);
    expect(byVersion.body).toMatchObject({
      version: 1,
      environment: null,
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Route tickets for Acme. v1' },
        { role: 'user', content: 'Refund please' },
      ],
      unusedValues: ['unused'],
    });
    const byEnvironment = await render({
      environment: 'staging',
      variables: { ticket: { id: 7 }, company: 'Initech' },
    });
    expect(byEnvironment.body).toMatchObject({
      version: 1,
      environment: 'staging',
      messages: [{ content: 'Route tickets for Initech. v1' }, { content: '{"id":7}' }],
    });
    const byDraft = await render({ draft: 'alice', variables: { ticket: 42, company: 'A', extra: true } });
    expect(byDraft.body).toMatchObject({ draft: 'alice', version: null });
    expect(byDraft.body.messages).toEqual([
      { role: 'system', content: 'Route tickets for A. Draft text true.' },
      { role: 'user', content: '42' },
    ]);
  });

  it('names a missing variable in a 400, and every one in `missing`', async () => {
    const missing = await render({ version: 1, variables: {} });
    expect([missing.status, missing.error?.field]).toEqual([400, 'variables.ticket']);
    expect(missing.error?.message).toContain('variables.ticket: missing value');
    const draft = await render({ draft: 'alice' });
    expect(draft.body.missing).toEqual(['company', 'extra', 'ticket']);
  });

  it('refuses an ambiguous or unknown source', async () => {
    const cases: [unknown, number, string | undefined][] = [
      [{ variables: {} }, 400, 'version'],
      [{ version: 1, environment: 'staging' }, 400, 'version'],
      [{ environment: 'production' }, 404, 'environment'],
      [{ version: 9 }, 404, 'version'],
      [{ draft: 'bob' }, 404, 'draft'],
      [{ version: 1, variables: [] }, 400, 'variables'],
    ];
    for (const [body, status, field] of cases) {
      const res = await render(body);
      expect([res.status, res.error?.field], JSON.stringify(body)).toEqual([status, field]);
    }
  });
});

describe('compare and review evidence', () => {
  let prompt: string;
  let stagingV2 = '';
  beforeAll(async () => {
    prompt = await newPrompt();
    for (const text of ['v1', 'v2']) await alice.post(`/api/v1/prompts/${enc(prompt)}/versions`, content(text));
    const now = Date.now();
    const prod = await ops.post<{ id: string }>('/api/v1/deployments', {
      prompt,
      environment: 'production',
      version: 1,
    });
    const staging = await ops.post<{ id: string }>('/api/v1/deployments', {
      prompt,
      environment: 'staging',
      version: 2,
    });
    stagingV2 = staging.body.id;
    expect(prod.status).toBe(201);
    const spans = Array.from({ length: 20 }, (_, i) =>
      generationSpan({
        time: now - (i + 1) * 60_000,
        environment: 'production',
        prompt,
        version: '1',
        latencyMs: 400 + i * 10,
        costUsd: 0.002,
        inputTokens: 120,
        outputTokens: 30,
      }),
    );
    await t.store.insert('otel_traces', spans);
    // v1 passed in staging earlier; v2's latest verdict there is a failure.
    const earlier = deploymentEvent({ time: now - 3_600_000, environment: 'staging', prompt, version: 1 });
    await t.store.insert('deployment_events', [earlier]);
    const analysis = (id: string, version: number, verdict: string, final: number) => ({
      deployment_id: id,
      evaluated_at: nanoTime(now - 1000),
      environment: 'staging',
      prompt,
      version,
      verdict,
      final,
      report: JSON.stringify({
        verdict,
        reason: `${verdict}: test verdict`,
        evaluatedAt: new Date(now).toISOString(),
        final: final === 1,
      }),
    });
    await t.store.insert('deployment_analyses', [
      analysis(earlier.id as string, 1, 'pass', 1),
      analysis(stagingV2, 2, 'fail', 0),
    ]);
    await offline(1, [4, 5]);
    await offline(2, [2, 5]);
  });

  async function offline(version: number, [passed, total]: [number, number]) {
    const items = Array.from({ length: total }, (_, i) => ({ id: `b${i}`, category: 'billing', score: i < passed }));
    expect((await alice.post('/api/v1/evaluations', { prompt, version, items })).status).toBe(201);
  }

  const compare = (from: string, to: string, extra = '') =>
    viewer.get<PromptComparison>(`/api/v1/prompts/${enc(prompt)}/compare?from=${enc(from)}&to=${enc(to)}${extra}`);

  it('compares staging with production: the diff, live figures of the deployed side, offline results of both', async () => {
    const res = await compare('production', 'staging');
    expect(res.status).toBe(200);
    expect(res.body.identical).toBe(false);
    expect(res.body.changes.messages[0]?.change).toBe('changed');
    expect(res.body.from).toMatchObject({ label: 'production (v1)', version: 1, environment: 'production' });
    expect(res.body.from.live).toMatchObject({
      environment: 'production',
      version: 1,
      requests: 20,
    });
    expect(res.body.from.live?.costPerRequest).toBeCloseTo(0.002, 6);
    expect(res.body.from.live?.latencyP50Ms).toBeGreaterThan(400);
    expect(res.body.from.live?.inputTokensPerRequest).toBe(120);
    expect(res.body.to).toMatchObject({ label: 'staging (v2)', version: 2, live: null });
    expect(res.body.from.offline?.categories).toEqual([
      expect.objectContaining({ category: 'billing', passed: 4, items: 5 }),
    ]);
    expect(res.body.to.offline?.categories).toEqual([
      expect.objectContaining({ category: 'billing', passed: 2, items: 5 }),
    ]);
  });

  it('compares a draft with production, and a candidate with the last version that passed', async () => {
    await bob.put(draftPath(prompt, 'bob'), content('draft change'));
    const draft = await compare('production', 'draft:bob');
    expect(draft.body.to).toMatchObject({
      label: 'draft by bob',
      version: null,
      draftAuthor: 'bob',
      live: null,
      offline: null,
    });
    expect(draft.body.changes.messages[0]?.lines.some((l) => l.op === 'add' && l.text.includes('draft change'))).toBe(
      true,
    );
    const pass = await compare('pass:staging', '2');
    expect(pass.body.from).toMatchObject({ label: 'last pass in staging (v1)', version: 1, environment: 'staging' });
    // A bare version is measured in the primary environment (production) unless told otherwise.
    const versions = await compare('1', '2');
    expect(versions.body.from).toMatchObject({ label: 'v1', live: { environment: 'production', requests: 20 } });
    expect((await compare('1', '2', '&environment=qa')).body.from.live).toBeNull();
  });

  it('names the side it cannot resolve', async () => {
    const cases: [string, string, number, string][] = [
      ['pass:production', '1', 404, 'from'],
      ['qa', '1', 404, 'from'],
      ['1', 'draft:nobody', 404, 'to'],
      ['1', 'no such env!', 400, 'to'],
      ['1', '77', 404, 'to'],
    ];
    for (const [from, to, status, field] of cases) {
      const res = await compare(from, to);
      expect([res.status, res.error?.field], `${from} → ${to}`).toEqual([status, field]);
    }
    expect((await compare('1', '2', '&window=2y')).error?.field).toBe('window');
  });

  it('gives a reviewer the diff against what is live, the verdict one environment earlier and offline results', async () => {
    await ops.patch('/api/v1/environments/production', { protected: true });
    const request = await bob.post<{ id: string; status: string }>('/api/v1/deployments', {
      prompt,
      environment: 'production',
      version: 2,
      reason: 'ship v2',
    });
    expect([request.status, request.body.status]).toEqual([202, 'pending']);
    const evidence = await viewer.get<ReviewEvidence>(`/api/v1/deployments/requests/${request.body.id}/evidence`);
    expect(evidence.status).toBe(200);
    expect(evidence.body.request).toMatchObject({ id: request.body.id, requestedBy: 'bob' });
    expect(evidence.body.comparison?.from).toMatchObject({ label: 'production (v1)', live: { requests: 20 } });
    expect(evidence.body.comparison?.to.version).toBe(2);
    expect(evidence.body.candidate.offline?.passed).toBe(2);
    expect(evidence.body.previous).toMatchObject({
      environment: 'staging',
      deploymentId: stagingV2,
      verdict: 'fail',
      reason: 'fail: test verdict',
    });
    expect((await viewer.get('/api/v1/deployments/requests/nope/evidence')).status).toBe(404);
    await ops.patch('/api/v1/environments/production', { protected: false });
  });

  // Changes what production serves: keep it last in this block.
  it('keeps a decided request’s evidence as of its decision, whatever is deployed afterwards', async () => {
    await ops.patch('/api/v1/environments/production', { protected: true });
    await alice.post(`/api/v1/prompts/${enc(prompt)}/versions`, content('v3'));
    const ask = async (version: number) => {
      const res = await bob.post<{ id: string }>('/api/v1/deployments', { prompt, environment: 'production', version });
      expect(res.status).toBe(202);
      return res.body.id;
    };
    const evidenceOf = async (id: string) =>
      (await viewer.get<ReviewEvidence>(`/api/v1/deployments/requests/${id}/evidence`)).body;

    const approved = await ask(2);
    expect((await alice.post(`/api/v1/deployments/requests/${approved}/approve`, { comment: 'ok' })).status).toBe(200);
    const rejected = await ask(3);
    expect((await alice.post(`/api/v1/deployments/requests/${rejected}/reject`, { comment: 'not yet' })).status).toBe(
      200,
    );
    // Afterwards: v3 goes live anyway (an admin deploys it), and v2's staging verdict turns to pass.
    expect((await ops.post('/api/v1/deployments', { prompt, environment: 'production', version: 3 })).status).toBe(201);
    await t.store.insert('deployment_analyses', [
      {
        deployment_id: stagingV2,
        evaluated_at: nanoTime(Date.now() + 1000),
        environment: 'staging',
        prompt,
        version: 2,
        verdict: 'pass',
        final: 1,
        report: JSON.stringify({ verdict: 'pass', reason: 'pass: later', final: true }),
      },
    ]);
    expect((await compare('production', '1')).body.from.label).toBe('production (v3)');

    const atApproval = await evidenceOf(approved);
    expect(atApproval.request).toMatchObject({ status: 'approved', reviewedBy: 'alice' });
    expect(atApproval.asOf).toBe(atApproval.request.reviewedAt);
    expect(atApproval.comparison?.from).toMatchObject({ label: 'production (v1)', version: 1, live: { requests: 20 } });
    expect(atApproval.comparison?.to.version).toBe(2);
    expect(atApproval.previous).toMatchObject({ deploymentId: stagingV2, verdict: 'fail' });

    const atRejection = await evidenceOf(rejected);
    expect(atRejection.request.status).toBe('rejected');
    expect(atRejection.comparison?.from).toMatchObject({ label: 'production (v2)', version: 2 });
    expect(atRejection.comparison?.identical).toBe(false);
    await ops.patch('/api/v1/environments/production', { protected: false });
  });
});
