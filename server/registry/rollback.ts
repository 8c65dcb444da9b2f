import type { Actor } from '../http/auth.js';
import { planRollback } from './deployment-plans.js';
import { requireEnvironment } from './environment-service.js';
import { checkExpected, writeLane, type LaneWrite } from './lane-writer.js';
import { requirePrompt, requireVersion } from './prompt-service.js';
import type { RegistryDeps } from './registry-deps.js';

export interface RollbackInput {
  prompt: string;
  environment: string;
  /** Without it: the version live before the current one; with a canary in progress: abort the canary. */
  toVersion?: number;
  reason: string;
  actor: Actor;
  expectedDeploymentId?: string | null;
}

/**
 * Rolls a lane back — immediately, also in protected environments (undoing harm never waits for a review), which
 * is why it only ever restores a version that was live in the lane before (planRollback: 409 otherwise).
 * Records `rollback`, or `canary_abort` when it withdraws a canary in progress (see planRollback); rolling back to
 * the version already live records nothing (`created: false`).
 */
export async function rollback(deps: RegistryDeps, input: RollbackInput): Promise<LaneWrite> {
  await requirePrompt(deps.store, input.prompt);
  await requireEnvironment(deps.store, input.environment);
  if (input.toVersion !== undefined) await requireVersion(deps.store, input.prompt, input.toVersion, 'toVersion');
  return writeLane(deps, input, (state) => {
    checkExpected(state, input.expectedDeploymentId);
    const draft = planRollback(state, input.toVersion);
    return draft && { ...draft, reason: input.reason };
  });
}
