import type { DeploymentEvent, LaneSummary } from './api-types.js';

/**
 * The version "Roll back" offers from a deployment's panel: the lane's last known good version (the latest
 * deployment whose final verdict was pass) when it is another version, else the version the deployment replaced —
 * while it is not live already. A canary offers it only while that canary runs (rolling back aborts it); a rollback
 * offers none.
 */
export function rollbackTarget(
  deployment: DeploymentEvent,
  lane: LaneSummary | undefined,
  lastKnownGood: number | null = null,
): number | null {
  const target =
    lastKnownGood !== null && lastKnownGood !== deployment.version ? lastKnownGood : deployment.previousVersion;
  if (target === null || deployment.kind === 'rollback' || deployment.kind === 'canary_abort') return null;
  if (deployment.kind === 'canary_start') return lane?.canary?.deploymentId === deployment.id ? target : null;
  return lane?.version === target && !lane.canary ? null : target;
}
