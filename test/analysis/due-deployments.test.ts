import { describe, expect, it } from 'vitest';
import { dueDeployments, reevaluationInterval, type DueInput } from '../../server/analysis/due-deployments.js';
import type { DeploymentState, LatestEvaluation } from '../../server/analysis/loop-state-query.js';
import type { DeploymentEvent } from '../../server/registry/deployment-event.js';
import type { Environment } from '../../server/registry/environment-queries.js';
import { DEFAULT_POLICIES } from '../../server/registry/environment-policies.js';
import { laneKey } from '../../server/registry/keyed-mutex.js';
import { defaultDetectorConfig } from '../../server/stats/index.js';

/** Which deployments a run re-evaluates and why (pure): the cost of the loop follows the data. */
const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 1, 12);
const env: Environment = {
  id: 'production',
  name: 'production',
  order: 3,
  primary: true,
  protected: false,
  policies: { ...DEFAULT_POLICIES, autoRollback: true },
  updatedAt: '',
};

function event(
  id: string,
  version: number,
  minutesAgo: number,
  kind: DeploymentEvent['kind'] = 'deploy',
): DeploymentEvent {
  const time = new Date(NOW - minutesAgo * MIN).toISOString();
  return {
    id,
    time,
    prompt: 'p',
    environment: 'production',
    kind,
    version,
    previousVersion: version - 1 || null,
    canaryPercent: null,
    actor: 't',
    reason: '',
    requestId: null,
    externalActor: null,
    authorization: null,
    rampId: null,
    rampStep: null,
    strategy: null,
    recordedAt: time,
    gateRunId: null,
    gateOverride: null,
  };
}

const latest = (o: Partial<LatestEvaluation>): LatestEvaluation => ({
  evaluatedAt: NOW - MIN,
  verdict: 'pass',
  final: false,
  decisive: false,
  candidateRequests: 1000,
  watermark: NOW - MIN,
  failStreak: 0,
  ...o,
});

function due(
  deployment: DeploymentEvent,
  state: LatestEvaluation | null,
  o: Partial<DueInput> = {},
  lane = [deployment],
) {
  const input: DueInput = {
    deployments: [{ deployment, latest: state } satisfies DeploymentState],
    lanes: new Map([[laneKey('p', 'production'), lane]]),
    environments: new Map([['production', env]]),
    configOf: () => defaultDetectorConfig(),
    arrivals: new Map(),
    now: NOW,
    watermarkMarginMs: 0,
    minIntervalMs: 10_000,
    newRows: new Map(),
    ...o,
  };
  return dueDeployments(input).map((d) => d.reason);
}

const arrival = (minutesAgo: number, rows = 10) =>
  new Map([
    [
      laneKey('p', 'production'),
      { lastArrival: NOW - 1000, minTime: NOW - minutesAgo * MIN, maxTime: NOW - minutesAgo * MIN + 1000, rows },
    ],
  ]);

describe('dueDeployments', () => {
  const d = event('d2', 2, 10);

  it('judges a new deployment, and nothing that is scheduled in the future', () => {
    expect(due(d, null)).toEqual(['first']);
    expect(due(event('later', 2, -5), null)).toEqual([]);
  });

  it('leaves a judged deployment alone without data', () => {
    expect(due(d, latest({}))).toEqual([]);
  });

  it('re-evaluates on data after the age-based interval, or at once when the data grew by a tenth', () => {
    expect(due(d, latest({ evaluatedAt: NOW - 30_000 }), { arrivals: arrival(1) })).toEqual([]); // 10 min old: 60 s
    expect(due(d, latest({ evaluatedAt: NOW - 61_000 }), { arrivals: arrival(1) })).toEqual(['data']);
    const grown = new Map([['d2', 100]]);
    expect(due(d, latest({ evaluatedAt: NOW - 30_000 }), { arrivals: arrival(1), newRows: grown })).toEqual(['data']);
    expect(reevaluationInterval(60_000, 10_000)).toBe(10_000);
    expect(reevaluationInterval(3_600_000, 10_000)).toBe(60_000);
  });

  it('ignores data before its windows, and data older than its watermark', () => {
    expect(due(d, latest({ evaluatedAt: NOW - 5 * MIN }), { arrivals: arrival(60) })).toEqual([]);
    expect(due(d, latest({ evaluatedAt: NOW - 5 * MIN, watermark: NOW }), { arrivals: arrival(1) })).toEqual([]);
  });

  it('judges the window once more when it closes (bake over, or replaced), and re-opens it for late data', () => {
    const old = event('d1', 2, 45);
    expect(due(old, latest({}))).toEqual(['window_closed']);
    const replaced = event('d3', 3, 10);
    expect(due(replaced, latest({}), {}, [replaced, event('rb', 2, 5, 'rollback')])).toEqual(['window_closed']);
    expect(due(old, latest({ final: true }))).toEqual([]);
    expect(due(old, latest({ final: true }), { arrivals: arrival(40) })).toEqual(['late_data']);
  });

  it('comes back for a failing live deployment until the rollback rule is met, not after', () => {
    expect(due(d, latest({ verdict: 'fail', failStreak: 1 }))).toEqual(['rollback_pending']);
    expect(due(d, latest({ verdict: 'fail', failStreak: 2 }))).toEqual([]); // rolled back (or tried) then
    const young = event('y', 2, 2);
    expect(due(young, latest({ verdict: 'fail', failStreak: 2 }))).toEqual(['rollback_pending']); // 5 min needed
    expect(due(young, latest({ verdict: 'fail', failStreak: 2, decisive: true }))).toEqual([]); // 60 s when decisive
  });

  it('skips a canary re-weight: the first canary_start judges the canary', () => {
    const first = event('c1', 2, 10, 'canary_start');
    const reweight = event('c2', 2, 5, 'canary_start');
    const input = {
      deployments: [
        { deployment: first, latest: null },
        { deployment: reweight, latest: null },
      ],
    };
    expect(due(first, null, input, [first, reweight])).toEqual(['first']);
  });
});
