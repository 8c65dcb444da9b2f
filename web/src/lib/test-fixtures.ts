import type { DeploymentEvent } from './api-types.js';

/** A deployment event for unit tests: v1 → v2 in production by alice at 12:00, with the given fields changed. */
export function deploymentEvent(overrides: Partial<DeploymentEvent> = {}): DeploymentEvent {
  return {
    id: 'd2',
    time: '2026-01-01T12:00:00.000Z',
    environment: 'production',
    prompt: 'support',
    version: 2,
    previousVersion: 1,
    kind: 'deploy',
    canaryPercent: null,
    actor: 'alice',
    reason: '',
    requestId: null,
    externalActor: null,
    authorization: null,
    rampId: null,
    rampStep: null,
    strategy: null,
    recordedAt: '2026-01-01T12:00:00.000Z',
    gateRunId: null,
    gateOverride: null,
    ...overrides,
  };
}
