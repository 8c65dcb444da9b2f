import { describe, expect, it } from 'vitest';
import type { LaneSummary } from './api-types.js';
import { rollbackTarget } from './rollback-target.js';
import { deploymentEvent as event } from './test-fixtures.js';

const lane = (version: number, canary: LaneSummary['canary'] = null): LaneSummary => ({
  environment: 'production',
  version,
  deploymentId: 'x',
  since: null,
  canary,
  latestDeploymentId: 'x',
});

describe('rollbackTarget', () => {
  it('offers the replaced version while it is not live', () => {
    expect(rollbackTarget(event({}), lane(2))).toBe(1);
    expect(rollbackTarget(event({}), lane(1))).toBeNull();
    expect(rollbackTarget(event({ previousVersion: null }), lane(2))).toBeNull();
  });

  it('offers nothing on a rollback', () => {
    expect(rollbackTarget(event({ kind: 'rollback', version: 1, previousVersion: 2 }), lane(1))).toBeNull();
  });

  it('offers a canary abort only while that canary runs', () => {
    const canary = event({ id: 'c3', kind: 'canary_start', version: 3, previousVersion: 2, canaryPercent: 10 });
    const running = {
      version: 3,
      percent: 10,
      deploymentId: 'c3',
      startedAt: canary.time,
      reviewed: false,
      ramp: null,
    };
    expect(rollbackTarget(canary, lane(2, running))).toBe(2);
    expect(rollbackTarget(canary, lane(2))).toBeNull();
  });

  it('prefers the last known good version over the one replaced', () => {
    expect(rollbackTarget(event({ version: 3, previousVersion: 2 }), lane(3), 1)).toBe(1);
    expect(rollbackTarget(event({ version: 3, previousVersion: 2 }), lane(3), 3)).toBe(2);
  });
});
