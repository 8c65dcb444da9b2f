import { AppError } from '../http/errors.js';
import { latestAnalysis } from '../analysis/analyses-store.js';
import type { Verdict } from '../stats/index.js';
import { listDeploymentEvents } from '../registry/deployment-queries.js';
import { findEnvironment, listEnvironments } from '../registry/environment-queries.js';
import type { ReleaseGate } from '../registry/environment-policies.js';
import { evaluateGate, type GateEvaluation } from '../registry/release-gate.js';
import type { DeploymentRequest } from '../registry/request-queries.js';
import type { Store } from '../store/store.js';
import { comparePair, describeSides, type CompareSide, type PromptComparison } from './compare-sides.js';
import { resolveRef } from './snapshot-ref.js';

/**
 * What a reviewer needs on one page to decide a review request: the candidate against what is live in the target
 * environment (diff, live figures, offline results), and the candidate's verdict in the environment before it
 * in display order (e.g. staging before production).
 */
export interface PreviousVerdict {
  environment: string;
  /** The candidate's latest deployment there, or null when it never went there. */
  deploymentId: string | null;
  deployedAt: string | null;
  /** Its latest evaluation, or null while none is stored. */
  verdict: Verdict | null;
  final: boolean;
  reason: string | null;
  evaluatedAt: string | null;
}

export interface ReviewEvidence {
  request: DeploymentRequest;
  /** Candidate (`to`) against the target's live version (`from`); null when nothing is live there yet. */
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
  const now = Date.now();
  const figures = { environment: request.environment, from: now - DAY_MS, to: now };
  const candidateText = String(request.version);
  const candidate = {
    text: candidateText,
    resolved: await resolveRef(store, request.prompt, { kind: 'version', version: request.version }, 'version'),
  };
  const live = await resolveRef(
    store,
    request.prompt,
    { kind: 'environment', environment: request.environment },
    'environment',
  ).catch((err: unknown) => {
    if (err instanceof AppError && err.status === 404) return null; // nothing live yet: a first deployment
    throw err;
  });
  const comparison = live
    ? await comparePair(store, request.prompt, { text: request.environment, resolved: live }, candidate, figures)
    : null;
  const candidateSide = comparison?.to ?? (await describeSides(store, request.prompt, [candidate], figures))[0]!;
  return {
    request,
    comparison,
    candidate: candidateSide,
    previous: await previousVerdict(store, request),
    gate: await gateEvidence(store, request, live?.version ?? null),
  };
}

/**
 * The gate on the requested version against what is live in the target. When the version already serves there
 * (deployed since the request was made), approving changes nothing and the gate would not apply: the run shown is
 * then the one against the version it replaced.
 */
async function gateEvidence(store: Store, request: DeploymentRequest, liveVersion: number | null) {
  const gate = (await findEnvironment(store, request.environment))?.policies.releaseGate;
  if (!gate) return null;
  let against = liveVersion;
  let note = 'live here';
  if (liveVersion === request.version) {
    const events = await listDeploymentEvents(store, {
      prompt: request.prompt,
      environment: request.environment,
      limit: 1000,
      offset: 0,
    });
    against = events.find((e) => e.version === request.version && e.previousVersion !== null)?.previousVersion ?? null;
    note = `live here before version ${request.version}`;
  }
  const evaluation = await evaluateGate(store, gate, request.prompt, request.version, against, note);
  return { ...gate, liveVersion: against, alreadyLive: liveVersion === request.version, ...evaluation };
}

async function previousVerdict(store: Store, request: DeploymentRequest): Promise<PreviousVerdict | null> {
  const environments = await listEnvironments(store);
  const index = environments.findIndex((e) => e.name === request.environment);
  const previous = index > 0 ? environments[index - 1] : undefined;
  if (!previous) return null;
  const events = await listDeploymentEvents(store, {
    prompt: request.prompt,
    environment: previous.name,
    limit: 1000,
    offset: 0,
  });
  const deployment = events.find((e) => e.version === request.version && CARRIES_VERSION.has(e.kind));
  const analysis = deployment ? await latestAnalysis(store, deployment.id) : undefined;
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
