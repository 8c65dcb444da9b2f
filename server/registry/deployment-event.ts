import type { Authorization } from './lane-authorization.js';
import { strategyFromJson, type Strategy } from '../ramps/strategy.js';

/**
 * A deployment event as the API returns it (`GET /api/v1/deployments/{id}`) and as the event bus publishes it.
 * `version` is the version live (stable) after the event, except for `canary_start`, where it is the candidate
 * receiving `canaryPercent` of traffic while `previousVersion` stays stable. For `canary_abort`, `version` is the
 * stable version that keeps all traffic and `previousVersion` the withdrawn candidate.
 *
 * Ramps (server/ramps/): every event of a ramp names it (`rampId`, the id of its first `canary_start`) and its step;
 * steps are `canary_start` events, `ramp_pause` / `ramp_resume` leave the traffic as it is (`version` is the
 * candidate, `canaryPercent` its share), the ramp ends with `canary_promote` or `canary_abort`.
 */
export const DEPLOYMENT_KINDS = [
  'deploy',
  'rollback',
  'canary_start',
  'canary_promote',
  'canary_abort',
  'external',
  'ramp_pause',
  'ramp_resume',
] as const;
export type DeploymentKind = (typeof DEPLOYMENT_KINDS)[number];

export interface DeploymentEvent {
  id: string;
  /** When the change took effect (for `external`, the time the caller reported). ISO-8601 UTC. */
  time: string;
  prompt: string;
  environment: string;
  kind: DeploymentKind;
  version: number;
  previousVersion: number | null;
  canaryPercent: number | null;
  /** Name of the API key that recorded the event. */
  actor: string;
  reason: string;
  /** The review request whose approval performed this deployment. */
  requestId: string | null;
  /** For `external`: who deployed, as the caller reported it (CI job, other registry). */
  externalActor: string | null;
  /** What allowed the change (see lane-authorization.ts); null for events recorded before it was kept. */
  authorization: Authorization | null;
  /** The ramp this event belongs to (the id of its first step), its step index and its strategy. */
  rampId: string | null;
  rampStep: number | null;
  strategy: Strategy | null;
  /** When Tracelane recorded the event. */
  recordedAt: string;
  /** The experiment run the release gate read (release-gate.ts); null when no gate applied. */
  gateRunId: string | null;
  /** Why an admin deployed although the release gate refused; null when it did not. */
  gateOverride: string | null;
}

export interface DeploymentEventRow {
  id: string;
  time: string;
  prompt: string;
  environment: string;
  kind: string;
  version: number;
  previous_version: number | null;
  canary_percent: number | null;
  actor: string;
  reason: string;
  request_id: string;
  external_actor: string;
  authorization: string;
  ramp_id: string;
  ramp_step: number | null;
  strategy: string;
  recorded_at: string;
  gate_run_id: string;
  gate_override: string;
}

export const DEPLOYMENT_EVENT_COLUMNS =
  'id, time, prompt, environment, kind, version, previous_version, canary_percent, actor, reason, request_id, external_actor, authorization, ramp_id, ramp_step, strategy, recorded_at, gate_run_id, gate_override';

export function eventFromRow(row: DeploymentEventRow): DeploymentEvent {
  return {
    id: row.id,
    time: row.time,
    prompt: row.prompt,
    environment: row.environment,
    kind: row.kind as DeploymentKind,
    version: row.version,
    previousVersion: row.previous_version,
    canaryPercent: row.canary_percent,
    actor: row.actor,
    reason: row.reason,
    requestId: row.request_id === '' ? null : row.request_id,
    externalActor: row.external_actor === '' ? null : row.external_actor,
    authorization: row.authorization === '' ? null : (row.authorization as Authorization),
    rampId: row.ramp_id === '' ? null : row.ramp_id,
    rampStep: row.ramp_step,
    strategy: strategyFromJson(row.strategy),
    recordedAt: row.recorded_at,
    gateRunId: row.gate_run_id === '' ? null : row.gate_run_id,
    gateOverride: row.gate_override === '' ? null : row.gate_override,
  };
}

export function rowFromEvent(event: DeploymentEvent): DeploymentEventRow {
  return {
    id: event.id,
    time: event.time,
    prompt: event.prompt,
    environment: event.environment,
    kind: event.kind,
    version: event.version,
    previous_version: event.previousVersion,
    canary_percent: event.canaryPercent,
    actor: event.actor,
    reason: event.reason,
    request_id: event.requestId ?? '',
    external_actor: event.externalActor ?? '',
    authorization: event.authorization ?? '',
    ramp_id: event.rampId ?? '',
    ramp_step: event.rampStep,
    strategy: event.strategy ? JSON.stringify(event.strategy) : '',
    recorded_at: event.recordedAt,
    gate_run_id: event.gateRunId ?? '',
    gate_override: event.gateOverride ?? '',
  };
}
