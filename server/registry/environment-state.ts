import type { Strategy } from '../ramps/strategy.js';
import type { DeploymentEvent } from './deployment-event.js';
import type { Authorization } from './lane-authorization.js';

/** A canary started (or re-weighted) with one of these was reviewed for its lane. */
const REVIEWED = new Set<Authorization | null>(['review', 'admin', 'reviewed_canary']);

/**
 * The state of one prompt in one environment (a "lane"), derived by replaying its deployment events in order.
 * It is never stored: the events are the only record, so state and history cannot disagree.
 *
 * `history` is the stack of stable versions that rollback walks back over: a deploy, promote or external
 * deployment pushes its version (unless it is already on top); a rollback truncates the stack to the last earlier
 * occurrence of its target (or pushes the target when it never was live). So deploy 1, 2, 3, rollback → 2,
 * rollback → 1; and deploy 1, 2, rollback → 1, deploy 3, rollback → 1.
 */
export interface CanaryState {
  version: number;
  percent: number;
  /** The canary_start event that set the current percentage. */
  deploymentId: string;
  startedAt: string;
  /** The canary was started through an approved review or by an admin (see lane-authorization.ts). */
  reviewed: boolean;
  /** The ramp walking this canary through its steps (server/ramps/), or null for a canary set by hand. */
  ramp: { id: string; step: number; strategy: Strategy } | null;
}

export interface LaneState {
  stableVersion: number | null;
  /** The event that made the stable version live. */
  stableDeploymentId: string | null;
  stableSince: string | null;
  canary: CanaryState | null;
  history: number[];
  /** Every version that has been the stable version here (what a rollback may restore), ascending. */
  liveVersions: number[];
  /** The newest event of the lane: what `expectedDeploymentId` is compared with. */
  latest: DeploymentEvent | null;
}

export const EMPTY_LANE: LaneState = {
  stableVersion: null,
  stableDeploymentId: null,
  stableSince: null,
  canary: null,
  history: [],
  liveVersions: [],
  latest: null,
};

/** Replays events given in replay order: by `time`, then `recordedAt`, then `id` (as laneEvents reads them). */
export function deriveLaneState(events: readonly DeploymentEvent[]): LaneState {
  return events.reduce(applyEvent, EMPTY_LANE);
}

export function applyEvent(state: LaneState, event: DeploymentEvent): LaneState {
  const base = { ...state, latest: event };
  switch (event.kind) {
    case 'canary_start':
      return {
        ...base,
        canary: {
          version: event.version,
          percent: event.canaryPercent ?? 0,
          deploymentId: event.id,
          startedAt: event.time,
          reviewed: event.requestId !== null || REVIEWED.has(event.authorization),
          ramp: rampOf(event),
        },
      };
    case 'ramp_pause':
    case 'ramp_resume':
      return base; // the traffic stays as it is
    case 'canary_abort':
      return { ...base, canary: null };
    case 'rollback':
      return { ...makeStable(base, event), history: truncateTo(state.history, event.version) };
    case 'deploy':
    case 'external':
    case 'canary_promote':
      return { ...makeStable(base, event), history: push(state.history, event.version) };
  }
}

function rampOf(event: DeploymentEvent): CanaryState['ramp'] {
  if (event.rampId === null || event.rampStep === null || event.strategy === null) return null;
  return { id: event.rampId, step: event.rampStep, strategy: event.strategy };
}

/** The version a rollback without a target restores: the one live before the current stable version. */
export function rollbackTarget(state: LaneState): number | null {
  return state.history.at(-2) ?? null;
}

function makeStable(state: LaneState, event: DeploymentEvent): LaneState {
  const changed = state.stableVersion !== event.version;
  return {
    ...state,
    liveVersions: state.liveVersions.includes(event.version)
      ? state.liveVersions
      : [...state.liveVersions, event.version].sort((a, b) => a - b),
    stableVersion: event.version,
    stableDeploymentId: changed || state.stableDeploymentId === null ? event.id : state.stableDeploymentId,
    stableSince: changed || state.stableSince === null ? event.time : state.stableSince,
    canary: null,
  };
}

function push(history: number[], version: number): number[] {
  return history.at(-1) === version ? history : [...history, version];
}

function truncateTo(history: number[], version: number): number[] {
  if (history.at(-1) === version) return history;
  const index = history.lastIndexOf(version, history.length - 2);
  return index >= 0 ? history.slice(0, index + 1) : [...history, version];
}
