import { describe, expect, it } from 'vitest';
import type { DeploymentEvent } from '../../server/registry/deployment-event.js';
import { planDeploy, planPromote, planRollback, type EventDraft } from '../../server/registry/deployment-plans.js';
import { applyEvent, EMPTY_LANE, type LaneState } from '../../server/registry/environment-state.js';
import { AppError } from '../../server/http/errors.js';

/** Records a planned event the way the lane writer does (an id and a time per step) and applies it. */
function record(state: LaneState, draft: EventDraft | null, n: number): LaneState {
  if (draft === null) return state;
  const event: DeploymentEvent = {
    ...draft,
    id: `e${n}`,
    time: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
    prompt: 'p',
    environment: 'production',
    actor: 'test',
    reason: '',
    requestId: null,
    externalActor: null,
    authorization: null,
    rampId: draft.ramp?.id ?? null,
    rampStep: draft.ramp?.step ?? null,
    strategy: draft.ramp?.strategy ?? null,
    gateRunId: null,
    gateOverride: null,
    recordedAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
  };
  return applyEvent(state, event);
}

type Step = ['deploy', number] | ['canary', number, number] | ['rollback'] | ['rollbackTo', number] | ['promote'];

/** Plans and records each step; returns the final state, the kind recorded per step and the stable version after it. */
function run(steps: Step[]): { state: LaneState; kinds: string[]; stables: (number | null)[] } {
  let state = EMPTY_LANE;
  const kinds: string[] = [];
  const stables: (number | null)[] = [];
  steps.forEach((step, n) => {
    const draft =
      step[0] === 'deploy'
        ? planDeploy(state, step[1])
        : step[0] === 'canary'
          ? planDeploy(state, step[1], step[2])
          : step[0] === 'rollback'
            ? planRollback(state)
            : step[0] === 'rollbackTo'
              ? planRollback(state, step[1])
              : planPromote(state, state.canary?.version ?? -1);
    kinds.push(draft?.kind ?? 'noop');
    state = record(state, draft, n);
    stables.push(state.stableVersion);
  });
  return { state, kinds, stables };
}

const conflictOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.status : 'other';
  }
  return 'no error';
};

describe('lane state and plans', () => {
  it('rolls back over earlier rollbacks: deploy 1, 2, 3, rollback → 2, rollback → 1', () => {
    const { state, kinds, stables } = run([['deploy', 1], ['deploy', 2], ['deploy', 3], ['rollback'], ['rollback']]);
    expect(stables).toEqual([1, 2, 3, 2, 1]);
    expect(kinds).toEqual(['deploy', 'deploy', 'deploy', 'rollback', 'rollback']);
    expect(conflictOf(() => planRollback(state))).toBe(409);
  });

  it('a deploy after a rollback starts a new branch of history', () => {
    const { state } = run([['deploy', 1], ['deploy', 2], ['rollback'], ['deploy', 3], ['rollback']]);
    expect(state.stableVersion).toBe(1);
    expect(state.history).toEqual([1]);
  });

  it('a rollback to an explicit version truncates history to it, and refuses a version never live (409)', () => {
    expect(
      run([['deploy', 1], ['deploy', 2], ['deploy', 3], ['deploy', 4], ['rollbackTo', 2], ['rollback']]).state
        .stableVersion,
    ).toBe(1);
    const skipped = run([
      ['deploy', 1],
      ['deploy', 3],
    ]).state;
    expect(skipped.liveVersions).toEqual([1, 3]);
    expect(conflictOf(() => planRollback(skipped, 2))).toBe(409);
    const afterRollback = run([
      ['deploy', 1],
      ['deploy', 2],
      ['deploy', 3],
      ['rollbackTo', 1],
      ['rollbackTo', 3],
    ]);
    expect(afterRollback.stables.at(-1)).toBe(3); // 3 was live before the first rollback: it may come back
  });

  it('deploying or rolling back to what is live records nothing', () => {
    expect(
      run([
        ['deploy', 1],
        ['deploy', 1],
      ]).kinds,
    ).toEqual(['deploy', 'noop']);
    expect(
      run([
        ['deploy', 1],
        ['deploy', 2],
        ['rollbackTo', 2],
      ]).kinds,
    ).toEqual(['deploy', 'deploy', 'noop']);
  });

  it('a canary keeps the stable version; promote makes the candidate stable; rollback then returns to the old one', () => {
    const started = run([
      ['deploy', 1],
      ['canary', 2, 10],
    ]);
    expect(started.kinds).toEqual(['deploy', 'canary_start']);
    expect(started.state.stableVersion).toBe(1);
    expect(started.state.canary).toMatchObject({ version: 2, percent: 10 });
    const promoted = run([['deploy', 1], ['canary', 2, 10], ['canary', 2, 50], ['promote'], ['rollback']]);
    expect(promoted.kinds).toEqual(['deploy', 'canary_start', 'canary_start', 'canary_promote', 'rollback']);
    expect(promoted.state.stableVersion).toBe(1);
    expect(promoted.state.canary).toBeNull();
  });

  it('a rollback during a canary aborts it and keeps the stable version; the next rollback rolls the stable back', () => {
    const { state, kinds } = run([['deploy', 1], ['deploy', 2], ['canary', 3, 25], ['rollback'], ['rollback']]);
    expect(kinds).toEqual(['deploy', 'deploy', 'canary_start', 'canary_abort', 'rollback']);
    expect(state.stableVersion).toBe(1);
    expect(state.canary).toBeNull();
  });

  it('a rollback to another version during a canary withdraws the canary too', () => {
    const { state, kinds } = run([
      ['deploy', 1],
      ['deploy', 2],
      ['canary', 3, 25],
      ['rollbackTo', 1],
    ]);
    expect(kinds.at(-1)).toBe('rollback');
    expect(state).toMatchObject({ stableVersion: 1, canary: null });
  });

  it('refuses impossible moves with 409', () => {
    expect(conflictOf(() => planDeploy(EMPTY_LANE, 1, 10))).toBe(409);
    expect(conflictOf(() => planRollback(EMPTY_LANE))).toBe(409);
    const one = run([['deploy', 1]]).state;
    expect(conflictOf(() => planDeploy(one, 1, 10))).toBe(409);
    expect(conflictOf(() => planRollback(one))).toBe(409);
    expect(conflictOf(() => planPromote(one, 2))).toBe(409);
  });

  it('remembers which event made the stable version live and the newest event', () => {
    const { state } = run([['deploy', 1], ['canary', 2, 10], ['rollback']]);
    expect(state.stableDeploymentId).toBe('e0');
    expect(state.latest?.id).toBe('e2');
  });
});
