import { conflict } from '../http/errors.js';
import type { DeploymentKind } from './deployment-event.js';
import { rollbackTarget, type CanaryState, type LaneState } from './environment-state.js';

/**
 * Pure decisions: given a lane's current state and a request, which event to record — or `null` when the request
 * is already satisfied (nothing is recorded and the current deployment is returned). Impossible requests throw 409.
 */
export interface EventDraft {
  kind: DeploymentKind;
  version: number;
  previousVersion: number | null;
  canaryPercent: number | null;
  /** The ramp the event belongs to (server/ramps/). */
  ramp?: CanaryState['ramp'];
}

/** A deploy: the full version, or with `canaryPercent` a canary of it beside the stable version. */
export function planDeploy(state: LaneState, version: number, canaryPercent?: number): EventDraft | null {
  const stable = state.stableVersion;
  if (canaryPercent === undefined) {
    if (stable === version && state.canary === null) return null;
    return { kind: 'deploy', version, previousVersion: stable, canaryPercent: null };
  }
  if (stable === null) throw conflict('nothing is live yet: deploy a first version without canaryPercent');
  if (stable === version)
    throw conflict(`version ${version} is already the stable version; a canary needs another version`);
  if (state.canary?.ramp) {
    throw conflict(
      `a ramp of version ${state.canary.version} is in progress (${state.canary.ramp.id}): pause, skip or abort it ` +
        'instead of setting its traffic by hand',
    );
  }
  if (state.canary?.version === version && state.canary.percent === canaryPercent) return null;
  return { kind: 'canary_start', version, previousVersion: stable, canaryPercent };
}

/**
 * A rollback. With a canary in progress and no target (or the stable version as target), the canary is aborted
 * (`canary_abort`: the stable version keeps all traffic). Otherwise the stable version goes back to `toVersion`, or
 * without it to the version live before the current one (walking back over earlier rollbacks). A rollback only
 * restores: a version that was never the stable version here is refused (409) — deploying it is a deploy, which a
 * protected environment reviews.
 */
export function planRollback(state: LaneState, toVersion?: number): EventDraft | null {
  const stable = state.stableVersion;
  if (stable === null) throw conflict('nothing is deployed here, so there is nothing to roll back');
  if (state.canary !== null && (toVersion === undefined || toVersion === stable)) {
    const { version, ramp } = state.canary;
    return { kind: 'canary_abort', version: stable, previousVersion: version, canaryPercent: null, ramp };
  }
  const target = toVersion ?? rollbackTarget(state);
  if (target === null)
    throw conflict(`version ${stable} is the first version deployed here; there is no earlier version to roll back to`);
  if (target === stable) return null;
  if (!state.liveVersions.includes(target)) {
    throw conflict(
      `toVersion: version ${target} has never been live here, so a rollback cannot restore it; deploy it instead ` +
        `(versions live here before: ${state.liveVersions.join(', ')})`,
      'toVersion',
    );
  }
  return { kind: 'rollback', version: target, previousVersion: stable, canaryPercent: null };
}

/** Promotes the canary in progress to 100%; `candidate` is the version of the canary_start being promoted. */
export function planPromote(state: LaneState, candidate: number): EventDraft {
  if (state.canary?.version !== candidate) {
    throw conflict(`version ${candidate} is not the canary in progress, so it cannot be promoted`);
  }
  const { ramp } = state.canary;
  return { kind: 'canary_promote', version: candidate, previousVersion: state.stableVersion, canaryPercent: 100, ramp };
}
