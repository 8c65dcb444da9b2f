import { checkVersion, type ComparisonAnswer } from '../experiments/run-comparison.js';
import { listRuns } from '../experiments/run-events.js';
import type { Actor } from '../http/auth.js';
import { AppError, forbidden } from '../http/errors.js';
import type { Store } from '../store/store.js';
import type { EventDraft } from './deployment-plans.js';
import type { ReleaseGate } from './environment-policies.js';
import type { LaneState } from './environment-state.js';
import { gateFindings, type GateFinding } from './release-gate-rule.js';

/**
 * The release gate ("requires a passing experiment", the environment policy `releaseGate`), checked by writeLane
 * right after lane-authorization.ts, so every writer passes it: deploys, canaries, external deployments, review
 * approvals and the analysis loop's actions. It applies when a version starts serving in the lane — a deploy,
 * canary start or external deployment of a version that is neither the stable version nor the canary in progress.
 * Never gated: rollbacks and canary aborts (undoing harm never waits), re-weighting or promoting the canary in
 * progress (its version passed the gate when it started), and redeploying what is live.
 *
 * To pass, the latest finished run of the version on the gate's dataset whose baseline is a finished run of the
 * stable version live here must show no category that regressed or dropped beyond the tolerance
 * (release-gate-rule.ts). With nothing live yet there is nothing to regress against: a finished run of the version
 * on the dataset is enough. Otherwise 409 naming the dataset and the categories (or saying no such run exists).
 *
 * No silent bypass: an admin key is refused like any other, unless it gives `gateOverride` (a reason), which is then
 * recorded on the deployment event beside the run that refused (`gateRunId`, `gateOverride`).
 */
export interface GateOutcome {
  /** The run the gate read; null when no run of the version exists. */
  runId: string | null;
  /** The override's reason when an admin deployed although the gate refused. */
  override: string | null;
}

export interface GateCheck {
  prompt: string;
  environment: { name: string; policies: { releaseGate: ReleaseGate | null } };
  state: LaneState;
  draft: EventDraft;
  actor: Actor;
  /** An admin's reason to deploy although the gate refuses. */
  gateOverride?: string | null | undefined;
}

export class GateRefusedError extends AppError {
  constructor(
    message: string,
    readonly gate: { dataset: string; runId: string | null; findings: GateFinding[] },
  ) {
    super(409, 'gate_refused', message, undefined, { gate });
    this.name = 'GateRefusedError';
  }
}

/** Throws 403 when a non-admin asks to override the gate (before anything else is checked). */
export function checkOverrideRole(actor: Actor, gateOverride: string | null | undefined): void {
  if (gateOverride && actor.role !== 'admin') {
    throw forbidden('gateOverride: only an admin key may deploy past a refusing release gate');
  }
}

/** null when no gate applies to this change; the run read (and any override) when it passes. */
export async function checkReleaseGate(store: Store, check: GateCheck): Promise<GateOutcome | null> {
  const gate = check.environment.policies.releaseGate;
  if (!gate || !gated(check.state, check.draft)) return null;
  const { prompt, draft, state } = check;
  const live = state.stableVersion;
  const refusal = await evaluateGate(store, gate, prompt, draft.version, live);
  if (refusal.message === null) return { runId: refusal.runId, override: null };
  const message =
    `environment "${check.environment.name}" requires a passing experiment on dataset "${gate.dataset}": ` +
    refusal.message;
  if (check.gateOverride && check.actor.role === 'admin') return { runId: refusal.runId, override: check.gateOverride };
  throw new GateRefusedError(`${message}; an admin may deploy anyway with gateOverride (recorded)`, {
    dataset: gate.dataset,
    runId: refusal.runId,
    findings: refusal.findings,
  });
}

/** A change that makes a version serve here that does not serve here now. */
function gated(state: LaneState, draft: EventDraft): boolean {
  if (draft.kind === 'rollback' || draft.kind === 'canary_abort' || draft.kind === 'canary_promote') return false;
  return draft.version !== state.stableVersion && draft.version !== state.canary?.version;
}

/** What the gate says of a version, before anything is deployed (the Reviews page shows it). */
export interface GateEvaluation {
  /** The run read: the latest finished run of the version against the live version; null when none exists. */
  runId: string | null;
  /** Why it refuses (after "requires a passing experiment on dataset …: "); null when it passes. */
  message: string | null;
  findings: GateFinding[];
  /** The run's per-category table against its baseline; null without a run or with nothing live. */
  comparison: ComparisonAnswer | null;
}

export async function evaluateGate(
  store: Store,
  gate: ReleaseGate,
  prompt: string,
  version: number,
  live: number | null,
  /** How the baseline version is described in the message. */
  liveNote = 'live here',
): Promise<GateEvaluation> {
  if (live === null) {
    const runs = await listRuns(store, { prompt, dataset: gate.dataset, states: ['completed'], limit: 1000 });
    const run = runs.find((r) => r.spec.version === version);
    if (run) return { runId: run.id, message: null, findings: [], comparison: null };
    return {
      runId: null,
      message: `no finished run of version ${version} on it exists`,
      findings: [],
      comparison: null,
    };
  }
  const { run, comparison } = await checkVersion(store, {
    prompt,
    version,
    dataset: gate.dataset,
    baselineVersion: live,
  });
  if (!run || !comparison) {
    return {
      runId: null,
      message:
        `no finished run of version ${version} on it against version ${live} (${liveNote}) exists; ` +
        `run one with baselineVersion ${live}`,
      findings: [],
      comparison: null,
    };
  }
  const findings = gateFindings(comparison.comparison, gate.maxDrop);
  if (findings.length === 0) return { runId: run.id, message: null, findings, comparison };
  const categories = [...new Set(findings.map((f) => f.category))];
  return {
    runId: run.id,
    message:
      `version ${version} regressed against version ${live} (${liveNote}) in ${categories.join(', ')} — ` +
      `${findings.map((f) => f.reason).join('; ')} (run ${run.id})`,
    findings,
    comparison,
  };
}
