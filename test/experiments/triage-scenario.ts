import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { FakeProvider } from '../fixtures/fake-model-servers.js';
import { promptText } from '../fixtures/fake-model-servers.js';
import { client, enc, type Client } from '../registry/registry-client.js';

/**
 * The support-triage regression as an offline experiment. Version 2 adds "anything about API usage goes to
 * api-platform"; the fake model follows the prompt it is given: with that rule, a ticket mentioning "usage" goes to
 * api-platform, otherwise to the team its keywords name (a ticket with none goes to dashboard).
 */
const RULE = 'anything about API usage, rate limits or quotas goes to api-platform';
const KEYWORDS: [RegExp, string][] = [
  [/invoice|charge|refund|card|plan/i, 'billing'],
  [/password|sso|saml|login|two-factor/i, 'auth'],
  [/sdk|webhook|429|endpoint/i, 'api-platform'],
  [/chart|report|export|dashboard/i, 'dashboard'],
];

export function triageModel(body: Record<string, unknown>): string {
  const text = promptText(body);
  const ticket = /Ticket: ([^\n]*)/.exec(text)?.[1] ?? '';
  if (text.includes(RULE) && /usage/i.test(ticket)) return JSON.stringify({ team: 'api-platform' });
  const team = KEYWORDS.find(([pattern]) => pattern.test(ticket))?.[1] ?? 'dashboard';
  return JSON.stringify({ team });
}

const version = (extra: string) => ({
  provider: 'openai',
  model: 'gpt-4o-mini',
  settings: { temperature: 0 },
  messages: [
    { role: 'system', content: `Route the support ticket to billing, auth, api-platform or dashboard.${extra}` },
    { role: 'user', content: 'Ticket: {{ticket}}' },
  ],
  variables: ['ticket'],
  responseSchema: {
    type: 'object',
    properties: { team: { type: 'string' } },
    required: ['team'],
    additionalProperties: false,
  },
});

/** v1 without the rule, v2 with it, v3 = v1 reworded (answers exactly like v1). */
export const VERSIONS = [version(''), version(`\nRouting rule: ${RULE}.`), version(' Be accurate.')];

/** The demo's test set: five tickets per team; billing has two about usage charges and one the model misroutes. */
export function smallDataset(): { input: { ticket: string }; expected: { team: string }; category: string }[] {
  const item = (category: string, ticket: string) => ({ input: { ticket }, expected: { team: category }, category });
  return [
    item('billing', 'The invoice shows a charge for API usage we did not make'),
    item('billing', 'Refund the usage overage charge on our card'),
    item('billing', 'Please update the card on our plan'),
    item('billing', 'Why is the invoice total different from the quote?'),
    item('billing', 'We were billed twice this month'),
    ...[
      'password reset mail never arrives',
      'SSO login loops',
      'SAML assertion rejected',
      'two-factor codes fail',
      'login locked',
    ].map((t) => item('auth', t)),
    ...[
      'SDK throws on retry',
      'webhook signatures fail',
      '429 at low volume',
      'endpoint returns 500',
      'SDK timeout',
    ].map((t) => item('api-platform', t)),
    ...['chart is empty', 'report export hangs', 'export CSV broken', 'dashboard slow', 'chart colors wrong'].map((t) =>
      item('dashboard', t),
    ),
  ];
}

/** A larger set where v2's rule moves 8 of 12 billing tickets: a regression the paired test can see. */
export function plantedDataset() {
  const billing = Array.from({ length: 12 }, (_, i) => ({
    input: { ticket: i < 8 ? `Invoice charge for API usage, case ${i}` : `Refund request on invoice ${i}` },
    expected: { team: 'billing' },
    category: 'billing',
  }));
  const auth = Array.from({ length: 8 }, (_, i) => ({
    input: { ticket: `SSO login fails, case ${i}` },
    expected: { team: 'auth' },
    category: 'auth',
  }));
  return [...billing, ...auth];
}

export interface Scenario {
  api: Client;
  prompt: string;
  dataset: string;
  evaluator: string;
}

/** Creates the prompt with its versions, a dataset, the `routing_correct` evaluator and a connection to the fake. */
export async function setUpScenario(
  apiUrl: string,
  fake: FakeProvider,
  items: unknown[] = smallDataset(),
  key?: string,
  connection = { name: `fake-${randomUUID().slice(0, 6)}`, maxConcurrency: 4 },
): Promise<Scenario & { connection: string }> {
  const api = client(apiUrl, key);
  const id = randomUUID().slice(0, 8);
  const prompt = `triage/${id}`;
  const ok = (r: { status: number; body: unknown }) => expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  ok(await api.post('/api/v1/prompts', { name: prompt }));
  for (const v of VERSIONS) ok(await api.post(`/api/v1/prompts/${enc(prompt)}/versions`, v));
  const dataset = `tickets-${id}`;
  ok(await api.post('/api/v1/datasets', { name: dataset, items }));
  const evaluator = `routing_correct_${id}`;
  ok(await api.post('/api/v1/evaluators', { name: evaluator, config: { type: 'json_field', field: 'team' } }));
  ok(
    await api.post('/api/v1/connections', {
      name: connection.name,
      kind: 'openai',
      baseUrl: fake.url,
      maxConcurrency: connection.maxConcurrency,
      requestsPerMinute: 10_000,
      timeoutMs: 5000,
      maxRetries: 1,
    }),
  );
  return { api, prompt, dataset, evaluator, connection: connection.name };
}
