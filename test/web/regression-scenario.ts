import type { TestTracelane } from '../helpers/tracelane.js';
import { apiCall, Sender } from './seed.js';

/**
 * The story the UI test walks through: version 1 of a prompt runs in production for 25 minutes, then version 2
 * (deployed 25 minutes ago) is twice as slow with more errors; staging runs v2; offline results of both versions on a
 * labelled dataset; and one trace whose names carry script payloads.
 */
export const MIN = 60_000;
export const PROMPT = 'support-answer';
export const ENV = 'production';
export const NOW = Date.now();
export const T1 = NOW - 25 * MIN; // v2 replaces v1

export interface Scenario {
  v2DeploymentId: string;
  hostileTraceId: string;
}

export async function seedRegression(tl: TestTracelane): Promise<Scenario> {
  // Production rolls back failing deployments by itself by default; here the on-call engineer does it.
  await apiCall(tl.apiUrl, 'PATCH', `/api/v1/environments/${ENV}`, { policies: { autoRollback: false } });
  await apiCall(tl.apiUrl, 'POST', '/api/v1/prompts', { name: PROMPT, description: 'Answers support tickets' });
  for (const [i, text] of ['Answer briefly and politely.', 'Answer thoroughly.\nQuote the help centre.'].entries()) {
    await apiCall(tl.apiUrl, 'POST', `/api/v1/prompts/${PROMPT}/versions`, {
      provider: 'openai',
      model: 'gpt-4o-mini',
      settings: { temperature: i === 0 ? 0.2 : 0.7 },
      messages: [
        { role: 'system', content: `You are the support assistant.\n${text}` },
        { role: 'user', content: '{{ticket}}' },
      ],
      commitMessage: i === 0 ? 'first version' : 'more thorough answers',
    });
  }
  await apiCall(tl.apiUrl, 'POST', '/api/v1/deployments/external', {
    prompt: PROMPT,
    environment: ENV,
    version: 1,
    timestamp: NOW - 120 * MIN,
    actor: 'ci',
    reason: 'initial release',
  });
  const v2 = await apiCall<{ id: string }>(tl.apiUrl, 'POST', '/api/v1/deployments/external', {
    prompt: PROMPT,
    environment: ENV,
    version: 2,
    timestamp: T1,
    actor: 'ci',
    reason: 'more thorough answers',
  });
  await apiCall(tl.apiUrl, 'POST', '/api/v1/deployments', {
    prompt: PROMPT,
    environment: 'staging',
    version: 2,
    reason: 'try it',
  });
  // Offline results of both versions on a labelled dataset: billing 4/5 → 2/5, login 5/5 → 5/5.
  for (const [version, billingPassed] of [
    [1, 4],
    [2, 2],
  ] as const) {
    const items = ['billing', 'login'].flatMap((category) =>
      Array.from({ length: 5 }, (_, i) => ({
        id: `${category}-${i}`,
        category,
        score: category === 'billing' ? i < billingPassed : true,
      })),
    );
    await apiCall(tl.apiUrl, 'POST', '/api/v1/evaluations', { prompt: PROMPT, version, dataset: 'golden', items });
  }

  const sender = new Sender(tl.otlpUrl);
  const base = { prompt: PROMPT, environment: ENV, perMinute: 100 };
  sender.traffic({ ...base, version: '1', from: T1 - 25 * MIN, to: T1, seed: 1 });
  sender.traffic({
    ...base,
    version: '2',
    from: T1,
    to: NOW - 10_000,
    seed: 2,
    profile: { latencyMs: 1600, errorRate: 0.08, quality: 0.8, costUsd: 0.002, inputTokens: 400, outputTokens: 180 },
  });
  const hostileTraceId = sender.hostileTrace(NOW - 5 * MIN);
  await sender.flush();
  await sender.shutdown();
  return { v2DeploymentId: v2.id, hostileTraceId };
}
