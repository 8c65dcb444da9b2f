import type { Actor } from '../http/auth.js';
import type { Logger } from '../log.js';
import type { DeploymentEvent } from '../registry/deployment-event.js';
import type { Environment } from '../registry/environment-queries.js';
import type { Registry } from '../registry/registry.js';
import { autoRollbackDecision, type DetectorConfig } from '../stats/index.js';
import type { Store } from '../store/store.js';
import { lastKnownGood } from './analyses-store.js';
import type { DeploymentAnalysis } from './analyze-deployment.js';
import { endingEvent } from './baseline.js';

/**
 * The analysis loop acts with a deployer's rights: its rollbacks only restore (always allowed), and in a protected
 * environment it promotes only canaries that were reviewed (lane-authorization.ts).
 */
export const AUTO_ROLLBACK_ACTOR: Actor = { name: 'auto-rollback', role: 'deployer' };
export const AUTO_PROMOTE_ACTOR: Actor = { name: 'auto-promote', role: 'deployer' };

export interface AutoActionDeps {
  store: Store;
  registry: Registry;
  log: Logger;
}

export interface AutoActionInput {
  deployment: DeploymentEvent;
  /** The lane's events after the deployment, in replay order. */
  later: readonly DeploymentEvent[];
  /** The lane's newest event (guards the write against a concurrent human change). */
  latestId: string;
  environment: Environment | undefined;
  config: DetectorConfig;
  analysis: DeploymentAnalysis;
  /** Failing evaluations in a row before this one. */
  previousFailStreak: number;
  now: number;
}

export type AutoAction = { action: 'rollback' | 'promote'; event: DeploymentEvent } | null;

/**
 * The environment's automatic policies after an evaluation:
 * - rollback when `policies.autoRollback` is on, the deployment is still live, and the detector's rule holds
 *   (only `fail`, N consecutive failing evaluations, a minimum time since the deployment — shorter for a decisive
 *   failure). Target: the last known good version of the lane when there is one, else the version live before; a
 *   canary is aborted instead. Late data re-opening a closed window can trigger it too.
 * - promotion of a canary when `policies.autoPromote` is on, its bake window has ended and its verdict is a
 *   complete `pass`.
 */
export async function applyAutoActions(deps: AutoActionDeps, input: AutoActionInput): Promise<AutoAction> {
  const { deployment, environment, analysis } = input;
  if (!environment || endingEvent(deployment, input.later) !== null) return null;
  const canary = deployment.kind === 'canary_start';
  if (environment.policies.autoRollback && analysis.verdict === 'fail') {
    const decision = autoRollbackDecision(
      {
        latest: analysis,
        streak: input.previousFailStreak + 1,
        sinceDeploymentMs: input.now - Date.parse(deployment.time),
      },
      input.config,
    );
    if (!decision.rollback) return null;
    const good = canary ? null : await lastKnownGood(deps.store, deployment.environment, deployment.prompt);
    const toVersion = good && good.version !== deployment.version ? good.version : undefined;
    const write = await deps.registry.rollback({
      prompt: deployment.prompt,
      environment: deployment.environment,
      ...(toVersion !== undefined ? { toVersion } : {}),
      reason: `automatic rollback of version ${deployment.version}: ${decision.reason}`,
      actor: AUTO_ROLLBACK_ACTOR,
      expectedDeploymentId: input.latestId,
    });
    deps.log.warn('automatic rollback', { deploymentId: deployment.id, rollbackId: write.event.id });
    return { action: 'rollback', event: write.event };
  }
  if (
    canary &&
    environment.policies.autoPromote &&
    analysis.bakeEnded &&
    analysis.verdict === 'pass' &&
    analysis.complete
  ) {
    const write = await deps.registry.promote({
      deploymentId: deployment.id,
      reason: `automatic promotion: the canary passed its bake window (${analysis.reason})`,
      actor: AUTO_PROMOTE_ACTOR,
    });
    deps.log.info('automatic canary promotion', { deploymentId: deployment.id, promoteId: write.event.id });
    return { action: 'promote', event: write.event };
  }
  return null;
}
