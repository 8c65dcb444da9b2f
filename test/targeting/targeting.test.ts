import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductEvent } from '../../server/events/event-bus.js';
import type { Resolution } from '../../server/registry/resolve.js';
import type { RuleRevision } from '../../server/targeting/rule-revisions.js';
import { jsonRequest, jsonSpan, postTraces } from '../collector/otlp-request.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';
import { client, enc, promptWithVersions, type Client } from '../registry/registry-client.js';

/**
 * Targeting rules through the API: versioned and audited, matched in resolve on the key and `attr.<name>` values
 * (first match wins, explained in the answer), before a canary; bounded attributes; review in a protected
 * environment; and spans that carry the arm, so analyses can split by it.
 */
let tl: TestTracelane;
let alice: Client;
let root: Client;
let viewer: Client;
let prompt = '';
const events: ProductEvent[] = [];
const RULES = [
  { name: 'internal-users', when: [{ attribute: 'email_domain', op: 'equals', value: 'acme.com' }], version: 3 },
  {
    name: 'eu-enterprise',
    description: 'the EU data-residency tenants',
    when: [
      { attribute: 'plan', op: 'in', values: ['enterprise'] },
      { attribute: 'region', op: 'prefix', value: 'eu-' },
    ],
    version: 2,
  },
];

beforeAll(async () => {
  tl = await startTestTracelane({ API_KEYS: 'alice:deployer:a-secret,root:admin:r-secret,viewer:viewer:v-secret' });
  [alice, root, viewer] = ['a-secret', 'r-secret', 'v-secret'].map((k) => client(tl.apiUrl, k)) as [
    Client,
    Client,
    Client,
  ];
  tl.bus.subscribe((e) => events.push(e));
  prompt = await promptWithVersions(alice, 4, 'targeted');
  await alice.post('/api/v1/deployments', { prompt, environment: 'staging', version: 1 });
});

afterAll(async () => {
  await tl?.close();
});

const resolve = (query: string) =>
  viewer.get<Resolution>(`/api/v1/prompts/${enc(prompt)}/resolve?environment=staging&${query}`);

describe('targeting rules', () => {
  it('are versioned: a new revision per change, the same list again records nothing, a stale revision is a 409', async () => {
    const first = await alice.put<RuleRevision>(`/api/v1/prompts/${enc(prompt)}/targeting`, {
      environment: 'staging',
      rules: RULES,
      reason: 'dogfood v3 internally',
      expectedRevision: 0,
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ revision: 1, actor: 'alice', reason: 'dogfood v3 internally' });
    const again = await alice.put<RuleRevision>(`/api/v1/prompts/${enc(prompt)}/targeting`, {
      environment: 'staging',
      rules: RULES,
    });
    expect([again.status, again.body.revision]).toEqual([200, 1]);
    const stale = await alice.put(`/api/v1/prompts/${enc(prompt)}/targeting`, {
      environment: 'staging',
      rules: [],
      expectedRevision: 0,
    });
    expect([stale.status, stale.error?.field]).toEqual([409, 'expectedRevision']);
    expect(events.filter((e) => e.type === 'targeting.updated').map((e) => e.data)).toEqual([
      {
        prompt,
        environment: 'staging',
        revision: 1,
        rules: 2,
        actor: 'alice',
        reason: 'dogfood v3 internally',
      },
    ]);
    const current = await viewer.get<RuleRevision>(`/api/v1/prompts/${enc(prompt)}/targeting?environment=staging`);
    expect(current.body.rules.map((r) => r.name)).toEqual(['internal-users', 'eu-enterprise']);
  });

  it('are matched in resolve on the attributes sent, first match wins, and explained', async () => {
    const internal = await resolve('key=u1&attr.email_domain=acme.com&attr.plan=enterprise&attr.region=eu-west');
    expect(internal.body).toMatchObject({
      arm: 'rule:internal-users',
      version: 3,
      why: 'rule "internal-users": attr.email_domain = "acme.com" → v3',
      targeting: { revision: 1, rules: 2 },
      variesBy: { key: false, attributes: ['email_domain', 'plan', 'region'] },
    });
    expect(internal.body.snapshot.version).toBe(3);
    const eu = await resolve('attr.plan=enterprise&attr.region=eu-central');
    expect(eu.body).toMatchObject({ arm: 'rule:eu-enterprise', version: 2 });
    const other = await resolve('attr.plan=enterprise&attr.region=us-east');
    expect(other.body).toMatchObject({
      arm: 'stable',
      version: 1,
      why: 'no targeting rule matched; the stable version',
    });
  });

  it('come before a canary, whose arm is explained too', async () => {
    await alice.post('/api/v1/deployments', { prompt, environment: 'staging', version: 4, canaryPercent: 50 });
    try {
      const ruled = await resolve('key=u7&attr.email_domain=acme.com');
      expect(ruled.body).toMatchObject({ arm: 'rule:internal-users', version: 3 });
      const keys = await Promise.all(Array.from({ length: 40 }, (_, i) => resolve(`key=user-${i}`)));
      const arms = new Set(keys.map((k) => `${k.body.arm} v${k.body.version}`));
      expect(arms).toEqual(new Set(['canary v4', 'stable v1']));
      expect(keys[0]?.body.why).toMatch(/^no targeting rule matched; canary: (v4 for 50% of callers|outside its 50%)/);
      expect(keys[0]?.body.variesBy.key).toBe(true);
    } finally {
      await alice.post('/api/v1/deployments/rollback', { prompt, environment: 'staging' });
    }
  });

  it('refuse bad attributes naming the parameter', async () => {
    const bad = async (query: string) => {
      const res = await resolve(query);
      return [res.status, res.error?.field];
    };
    expect(await bad('attr.bad%20name=x')).toEqual([400, 'attr.bad name']);
    expect(await bad(`attr.plan=${'x'.repeat(257)}`)).toEqual([400, 'attr.plan']);
    expect(await bad('attr.plan=a&attr.plan=b')).toEqual([400, 'attr.plan']);
    const many = Array.from({ length: 21 }, (_, i) => `attr.a${i}=x`).join('&');
    expect(await bad(many)).toEqual([400, 'attr.a20']);
  });

  it('refuse bad rules naming the field, and a missing version with 404', async () => {
    const put = (rules: unknown) =>
      alice.put(`/api/v1/prompts/${enc(prompt)}/targeting`, { environment: 'staging', rules });
    const dup = await put([RULES[0], RULES[0]]);
    expect([dup.status, dup.error?.field]).toEqual([400, 'rules.1.name']);
    const op = await put([{ name: 'x', version: 1, when: [{ attribute: 'plan', op: 'regex', value: '.*' }] }]);
    expect([op.status, op.error?.field]).toEqual([400, 'rules.0.when.0.op']);
    const missing = await put([{ name: 'x', version: 99 }]);
    expect([missing.status, missing.error?.field]).toEqual([404, 'rules.0.version']);
    expect(
      (await viewer.put(`/api/v1/prompts/${enc(prompt)}/targeting`, { environment: 'staging', rules: [] })).status,
    ).toBe(403);
  });

  it('keep their history with actor and reason, newest first', async () => {
    await root.put(`/api/v1/prompts/${enc(prompt)}/targeting`, { environment: 'staging', rules: [], reason: 'done' });
    const history = await viewer.get<{ revisions: RuleRevision[] }>(
      `/api/v1/prompts/${enc(prompt)}/targeting/history?environment=staging`,
    );
    expect(history.body.revisions.map((r) => [r.revision, r.actor, r.reason, r.rules.length])).toEqual([
      [2, 'root', 'done', 0],
      [1, 'alice', 'dogfood v3 internally', 2],
    ]);
    expect((await resolve('attr.email_domain=acme.com')).body).toMatchObject({ arm: 'stable', targeting: null });
  });

  it('need an admin in a protected environment for a version that has not served there', async () => {
    await root.post('/api/v1/deployments', { prompt, environment: 'production', version: 1 });
    await root.patch('/api/v1/environments/production', { protected: true });
    try {
      const rules = [{ name: 'beta', when: [{ attribute: 'plan', op: 'equals', value: 'beta' }], version: 4 }];
      const refused = await alice.put(`/api/v1/prompts/${enc(prompt)}/targeting`, { environment: 'production', rules });
      expect([refused.status, refused.error?.code, refused.error?.field]).toEqual([
        403,
        'review_required',
        'rules.0.version',
      ]);
      const served = await alice.put(`/api/v1/prompts/${enc(prompt)}/targeting`, {
        environment: 'production',
        rules: [{ ...rules[0], version: 1 }],
      });
      expect(served.status).toBe(201);
      expect(
        (await root.put(`/api/v1/prompts/${enc(prompt)}/targeting`, { environment: 'production', rules })).status,
      ).toBe(201);
    } finally {
      await root.patch('/api/v1/environments/production', { protected: false });
    }
  });

  it('leave the arm on the spans the runtime tags, as a column analyses split by', async () => {
    const span = (arm: string) =>
      jsonSpan({
        name: 'chat gpt-4o-mini',
        kind: 3,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.prompt.name': prompt,
          'gen_ai.prompt.version': '3',
          'deployment.environment.name': 'staging',
          'tracelane.prompt.arm': arm,
        },
      });
    const sent = await postTraces(
      tl.otlpUrl,
      jsonRequest({ 'service.name': 'app' }, [span('rule:internal-users'), span('stable')]),
    );
    expect(sent.status).toBe(200);
    const arms = await waitFor('the spans', async () => {
      const rows = await tl.store.query<{ arm: string; n: number }>(
        `SELECT PromptArm AS arm, count() AS n FROM otel_traces WHERE PromptName = {prompt:String} GROUP BY arm ORDER BY arm`,
        { prompt },
      );
      return rows.length === 2 ? rows : undefined;
    });
    expect(arms).toEqual([
      { arm: 'rule:internal-users', n: 1 },
      { arm: 'stable', n: 1 },
    ]);
    const listed = await viewer.get<{ traces: unknown[] }>(
      `/api/v1/traces?prompt=${enc(prompt)}&arm=${enc('rule:internal-users')}`,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.traces).toHaveLength(1);
  });
});
