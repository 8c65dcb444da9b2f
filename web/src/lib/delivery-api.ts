import { request } from './api.js';
import type { AbTest, AbTestView, DeploymentEvent, RampView, RuleRevision, TargetingRule } from './api-types.js';

/**
 * The progressive-delivery endpoints: ramps (read, pause, resume, skip, abort), targeting rules of a lane, and A/B
 * tests. Like api.ts, every call carries the signed-in key.
 */
const enc = encodeURIComponent;

export type RampAction = 'pause' | 'resume' | 'abort';

export interface AbTestStart {
  prompt: string;
  environment: string;
  name: string;
  versions: number[];
  percent: number;
  primaryMetric: string;
  guardrails: string[];
  maxMinutes?: number;
  samplesPerVariant?: number;
  autoShip: boolean;
  reason: string;
}

export const deliveryApi = {
  ramps: async (filter: { prompt: string; environment: string; status?: 'active' | 'all' }, signal?: AbortSignal) =>
    (await request<{ ramps: RampView[] }>('GET', '/ramps', { query: { ...filter }, signal })).ramps,

  ramp: (id: string, signal?: AbortSignal) => request<RampView>('GET', `/ramps/${enc(id)}`, { signal }),

  rampAction: (id: string, action: RampAction, reason: string) =>
    request<DeploymentEvent>('POST', `/ramps/${enc(id)}/${action}`, { body: { reason } }),

  /** Moves the ramp to the step with this share; 100 gives the new version all traffic now. */
  skipRamp: (id: string, percent: number, reason: string) =>
    request<DeploymentEvent>('POST', `/ramps/${enc(id)}/skip`, { body: { percent, reason } }),

  targeting: (prompt: string, environment: string, signal?: AbortSignal) =>
    request<RuleRevision>('GET', `/prompts/${enc(prompt)}/targeting`, { query: { environment }, signal }),

  setTargeting: (
    prompt: string,
    body: { environment: string; rules: TargetingRule[]; reason: string; expectedRevision: number },
  ) => request<RuleRevision>('PUT', `/prompts/${enc(prompt)}/targeting`, { body }),

  abTests: async (filter: { prompt: string; environment: string }, signal?: AbortSignal) =>
    (await request<{ tests: AbTest[] }>('GET', '/ab-tests', { query: { ...filter }, signal })).tests,

  abTest: (id: string, signal?: AbortSignal) => request<AbTestView>('GET', `/ab-tests/${enc(id)}`, { signal }),

  startAbTest: (body: AbTestStart) => request<AbTestView>('POST', '/ab-tests', { body }),

  stopAbTest: (id: string, reason: string) =>
    request<AbTestView>('POST', `/ab-tests/${enc(id)}/stop`, { body: { reason } }),

  shipAbTest: (id: string, reason: string) =>
    request<AbTestView>('POST', `/ab-tests/${enc(id)}/ship`, { body: { reason } }),
};
