import type { Actor } from '../http/auth.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { planRampStart } from '../ramps/ramp-plans.js';
import type { Strategy } from '../ramps/strategy.js';
import { deriveLaneState } from './environment-state.js';
import { requireEnvironment } from './environment-service.js';
import { findDeploymentEvent } from './deployment-queries.js';
import { planDeploy, planPromote } from './deployment-plans.js';
import { checkExpected, writeLane, type LaneWrite } from './lane-writer.js';
import { requirePrompt, requireVersion } from './prompt-service.js';
import type { RegistryDeps } from './registry-deps.js';

export interface DeployInput {
  prompt: string;
  environment: string;
  version: number;
  reason: string;
  /** With a percentage in (0, 100): a canary of `version` beside the stable version (`canary_start`). */
  canaryPercent?: number;
  /** A ramp: the version walks through these steps (server/ramps/); not with canaryPercent. */
  strategy?: Strategy;
  /** The id of the lane's newest event the caller saw (`null`: nothing deployed yet); stale → 409. */
  expectedDeploymentId?: string | null;
  actor: Actor;
  /** The approved review request this deployment performs (request approval only). */
  requestId?: string;
  /** An admin's reason to deploy although the release gate refuses (release-gate.ts). */
  gateOverride?: string;
}

/** Checks that the prompt, environment and version exist (404 naming the field) — before anything is recorded. */
export async function requireTarget(deps: RegistryDeps, prompt: string, environment: string, version: number) {
  await requirePrompt(deps.store, prompt);
  const env = await requireEnvironment(deps.store, environment);
  await requireVersion(deps.store, prompt, version);
  return env;
}

/**
 * Deploys a version (or starts / re-weights a canary of it, or starts a ramp of it). Deploying what is already live
 * records nothing and returns the current deployment (`created: false`). In a protected environment a version that
 * never served there throws ReviewRequiredError unless an admin deploys it or a review request's approval does
 * (lane-authorization.ts).
 */
export async function deploy(deps: RegistryDeps, input: DeployInput): Promise<LaneWrite> {
  await requireTarget(deps, input.prompt, input.environment, input.version);
  return writeLane(deps, input, (state) => {
    checkExpected(state, input.expectedDeploymentId);
    const draft = input.strategy
      ? planRampStart(state, input.version, input.strategy)
      : planDeploy(state, input.version, input.canaryPercent);
    return draft && { ...draft, reason: input.reason };
  });
}

export interface PromoteInput {
  /** The canary_start event of the canary in progress. */
  deploymentId: string;
  reason: string;
  actor: Actor;
}

/** Promotes a canary in progress to 100% (`canary_promote`): its version becomes the stable version. */
export async function promote(deps: RegistryDeps, input: PromoteInput): Promise<LaneWrite> {
  const start = await findDeploymentEvent(deps.store, input.deploymentId);
  if (!start) throw notFound(`deployment "${input.deploymentId}" does not exist`, 'id');
  if (start.kind !== 'canary_start') throw conflict(`deployment "${start.id}" is a ${start.kind}, not a canary_start`);
  const target = { prompt: start.prompt, environment: start.environment, actor: input.actor };
  return writeLane(deps, target, (state) => ({ ...planPromote(state, start.version), reason: input.reason }));
}

/** How far ahead of the server clock an external timestamp may be (clock skew); it is then recorded as now. */
export const EXTERNAL_FUTURE_SKEW_MS = 60_000;
/** How far back an external deployment may be recorded. */
export const EXTERNAL_MAX_AGE_MS = 365 * 24 * 3600_000;

export interface ExternalInput {
  prompt: string;
  environment: string;
  version: number;
  /** When it happened (epoch ms); default now. */
  time?: number;
  reason: string;
  /** Who deployed, as the caller reports it. */
  externalActor?: string;
  /** The API key that records it. */
  actor: Actor;
  /** The approved review request this records (request approval only). */
  requestId?: string;
  gateOverride?: string;
}

/** The time an external deployment is recorded at (epoch ms): at most now; 400 when far in the future or too old. */
export function externalTime(time: number | undefined, now = Date.now()): number {
  if (time !== undefined && time > now + EXTERNAL_FUTURE_SKEW_MS) {
    throw badRequest('timestamp: must not be in the future', 'timestamp');
  }
  const at = Math.min(time ?? now, now);
  if (at < now - EXTERNAL_MAX_AGE_MS) throw badRequest('timestamp: must be within the last 365 days', 'timestamp');
  return at;
}

/**
 * Records a deployment that happened elsewhere (CI, another registry) as an `external` event at its own time, so it
 * takes its place in the lane's timeline: `previousVersion` is what was live at that time. It changes what the
 * environment serves like a deploy does, so a protected environment reviews it the same way.
 */
export async function recordExternal(deps: RegistryDeps, input: ExternalInput): Promise<LaneWrite> {
  const time = externalTime(input.time);
  await requireTarget(deps, input.prompt, input.environment, input.version);
  return writeLane(deps, input, (_state, events) => {
    const before = deriveLaneState(events.filter((e) => Date.parse(e.time) <= time));
    return {
      kind: 'external',
      version: input.version,
      previousVersion: before.stableVersion,
      canaryPercent: null,
      time: new Date(time).toISOString(),
      reason: input.reason,
      externalActor: input.externalActor ?? null,
    };
  });
}
