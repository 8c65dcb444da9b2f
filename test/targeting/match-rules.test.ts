import { describe, expect, it } from 'vitest';
import { matchRules } from '../../server/targeting/match-rules.js';
import { rulesSchema } from '../../server/targeting/rules.js';

const lane = { prompt: 'faq', environment: 'production' };
const rules = rulesSchema.parse([
  { name: 'internal-users', when: [{ attribute: 'email_domain', op: 'equals', value: 'acme.com' }], version: 3 },
  {
    name: 'enterprise-eu',
    when: [
      { attribute: 'plan', op: 'in', values: ['enterprise', 'business'] },
      { attribute: 'region', op: 'prefix', value: 'eu-' },
    ],
    version: 2,
  },
  { name: 'beta-tenants', when: [{ attribute: 'key', op: 'prefix', value: 'tenant-beta-' }], version: 4 },
  { name: 'pro-sample', when: [{ attribute: 'plan', op: 'equals', value: 'pro' }], version: 5, percent: 20 },
]);

describe('targeting rules', () => {
  it('match on attributes and on the key, all conditions of a rule together, the first match winning', () => {
    const match = (key: string | undefined, attributes: Record<string, string>) =>
      matchRules(rules, lane, { key, attributes })?.rule.name ?? null;
    expect(match(undefined, { email_domain: 'acme.com', plan: 'enterprise', region: 'eu-west' })).toBe(
      'internal-users',
    );
    expect(match(undefined, { plan: 'business', region: 'eu-west' })).toBe('enterprise-eu');
    expect(match(undefined, { plan: 'business', region: 'us-east' })).toBeNull();
    expect(match('tenant-beta-7', { plan: 'free' })).toBe('beta-tenants');
    expect(match('tenant-7', {})).toBeNull();
    expect(match(undefined, { email_domain: 'ACME.com' })).toBeNull(); // exact, case-sensitive
  });

  it('explain the match in words', () => {
    const found = matchRules(rules, lane, { attributes: { plan: 'enterprise', region: 'eu-central' } });
    expect(found?.explanation).toBe(
      'rule "enterprise-eu": attr.plan in ["enterprise", "business"] and attr.region starts with "eu-" → v2',
    );
  });

  it('take a sticky share of a segment by key, near the declared percentage', () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
    const taken = (ruleSet: typeof rules) =>
      keys.filter((key) => matchRules(ruleSet, lane, { key, attributes: { plan: 'pro' } })?.rule.name === 'pro-sample');
    const at20 = taken(rules);
    expect(Math.abs(at20.length - 2000)).toBeLessThan(4 * Math.sqrt(10_000 * 0.2 * 0.8));
    expect(taken(rules)).toEqual(at20);
    const raised = rules.map((r) => (r.name === 'pro-sample' ? { ...r, percent: 60 } : r));
    const at60 = new Set(taken(raised));
    expect(at20.every((key) => at60.has(key))).toBe(true);
    // Without a key, at random with that probability.
    expect(matchRules(rules, lane, { attributes: { plan: 'pro' } }, () => 0.1)?.rule.name).toBe('pro-sample');
    expect(matchRules(rules, lane, { attributes: { plan: 'pro' } }, () => 0.3)).toBeNull();
  });

  it('refuse bad rule sets naming the field', () => {
    const problem = (input: unknown) => {
      const result = rulesSchema.safeParse(input);
      return result.success
        ? null
        : { path: result.error.issues[0]?.path.join('.'), message: result.error.issues[0]?.message };
    };
    expect(
      problem([
        { name: 'a', version: 1 },
        { name: 'a', version: 2 },
      ]),
    ).toEqual({
      path: '1.name',
      message: '"a" is used by an earlier rule',
    });
    expect(problem([{ name: 'a', version: 1, when: [{ attribute: 'plan', op: 'like', value: 'x' }] }])?.path).toBe(
      '0.when.0.op',
    );
    expect(problem([{ name: 'Bad Name', version: 1 }])?.path).toBe('0.name');
    expect(problem([{ name: 'a', version: 1, percent: 0 }])?.path).toBe('0.percent');
    expect(problem([{ name: 'a', version: 1, when: [{ attribute: 'x', op: 'in', values: [] }] }])?.path).toBe(
      '0.when.0.values',
    );
  });
});
