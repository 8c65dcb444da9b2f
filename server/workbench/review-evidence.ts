import { latestAnalysis } from '../analysis/analyses-store.js';
import type { OverallVerdict } from '../stats/index.js';
import type { DeploymentEvent } from '../registry/deployment-event.js';
import { laneEvents } from '../registry/deployment-queries.js';
import { deriveLaneState } from '../registry/environment-state.js';
import { findEnvironment, listEnvironments } from '../registry/environment-queries.js';
import type { ReleaseGate } from '../registry/environment-policies.js';
import { evaluateGate, type GateEvaluation } from '../registry/release-gate.js';
import type { DeploymentRequest } from '../registry/request-queries.js';
import type { Store } from '../store/store.js';
import { comparePair, describeSides, type CompareSide, type PromptComparison } from './compare-sides.js';
import { resolveLive, resolveRef } from './snapshot-ref.js';

/**
 * What a reviewer needs on one page to decide a review request: the candidate against what is live in the target
 * environment (diff, live figures, offline results), and the candidate's verdict in the environment before it
 * in display order (e.g. staging before production). A decided request's evidence is as of its decision.
 */
export interface PreviousVerdict {
  environment: string;
  /** The candidate's latest deployment there, or null when it never went there. */
  deploymentId: string | null;
  deployedAt: string | null;
  /** Its latest evaluation, or null while none is stored. */
  verdict: OverallVerdict | null;
  final: boolean;
  reason: string | null;
  evaluatedAt: string | null;
}

export interface ReviewEvidence {
  request: DeploymentRequest;
  /**
   * The moment the evidence describes: now for a pending request; for a decided one, its decision (what was live
   * then, the verdicts known then, the live figures of the day before it), so it stays what the reviewer saw.
   */
  asOf: string;
  /** Candidate (`to`) against the target's live version (`from`); null when nothing was live there. */
  comparison: PromptComparison | null;
  /** The candidate alone (the same as `comparison.to` when there is a comparison). */
  candidate: CompareSide;
  /** Null when the target is the first environment in display order. */
  previous: PreviousVerdict | null;
  /** The target's release gate on the candidate (release-gate.ts); null when the environment has none. */
  gate: (GateEvaluation & ReleaseGate & { liveVersion: number | null; alreadyLive: boolean }) | null;
}

const DAY_MS = 86_400_000;
const CARRIES_VERSION = new Set(['deploy', 'canary_start', 'canary_promote', 'external', 'rollback']);

export async function reviewEvidence(store: Store, request: DeploymentRequest): Promise<ReviewEvidence> {
  const asOf = request.reviewedAt === null ? Date.now() : Date.parse(request.reviewedAt);
  const figures = { environment: request.environment, from: asOf - DAY_MS, to: asOf };
  const candidateText = String(request.version);
  const candidate = {
    text: candidateText,
    resolved: await resolveRef(store, request.prompt, { kind: 'version', version: request.version }, 'version'),
  };
  const lane = eventsSeenBy(request, await laneEvents(store, request.prompt, request.environment));
  const live = await resolveLive(store, request.prompt, request.environment, deriveLaneState(lane), 'environment');
  const comparison = live
    ? await comparePair(store, request.prompt, { text: request.environment, resolved: live }, candidate, figures)
    : null;
  const candidateSide = comparison?.to ?? (await describeSides(store, request.prompt, [candidate], figures))[0]!;
  return {
    request,
    asOf: new Date(asOf).toISOString(),
    comparison,
    candidate: candidateSide,
    previous: await previousVerdict(store, request, asOf),
    gate: await gateEvidence(store, request, lane),
  };
}

/**
 * The gate on the requested version against what is live in the target. When the version already serves there
 * (deployed since the request was made), approving changes nothing and the gate would not apply: the run shown is
 * then the one against the version it replaced.
 */
async function gateEvidence(store: Store, request: DeploymentRequest, lane: readonly DeploymentEvent[]) {
  const gate = (await findEnvironment(store, request.environment))?.policies.releaseGate;
  if (!gate) return null;
  const liveVersion = deriveLaneState(lane).stableVersion;
  const alreadyLive = liveVersion === request.version;
  const against = alreadyLive
    ? (lane.findLast((e) => e.version === request.version && e.previousVersion !== null)?.previousVersion ?? null)
    : liveVersion;
  const note = alreadyLive ? `live here before version ${request.version}` : 'live here';
  const evaluation = await evaluateGate(store, gate, request.prompt, request.version, against, note);
  return { ...gate, liveVersion: against, alreadyLive, ...evaluation };
}

/**
 * The events of a lane the reviewer could have seen: all of them while the request is pending; for a decided one,
 * those recorded by its decision, without the deployment its own approval made. The events are append-only, so
 * this replays to exactly the state the decision was made against.
 */
export function eventsSeenBy(request: DeploymentRequest, events: readonly DeploymentEvent[]): DeploymentEvent[] {
  if (request.reviewedAt === null) return [...events];
  const decided = Date.parse(request.reviewedAt);
  return events.filter((e) => e.requestId !== request.id && Date.parse(e.recordedAt) <= decided);
}

async function previousVerdict(
  store: Store,
  request: DeploymentRequest,
  asOf: number,
): Promise<PreviousVerdict | null> {
  const environments = await listEnvironments(store);
  const index = environments.findIndex((e) => e.name === request.environment);
  const previous = index > 0 ? environments[index - 1] : undefined;
  if (!previous) return null;
  const events = eventsSeenBy(request, await laneEvents(store, request.prompt, previous.name));
  const deployment = events.findLast((e) => e.version === request.version && CARRIES_VERSION.has(e.kind));
  const analysis = deployment ? await latestAnalysis(store, deployment.id, asOf) : undefined;
  return {
    environment: previous.name,
    deploymentId: deployment?.id ?? null,
    deployedAt: deployment?.time ?? null,
    verdict: analysis?.verdict ?? null,
    final: analysis?.final ?? false,
    reason: analysis?.reason ?? null,
    evaluatedAt: analysis?.evaluatedAt ?? null,
  };
}
