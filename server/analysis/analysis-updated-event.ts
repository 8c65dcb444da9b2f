import type { EventBus } from '../events/event-bus.js';
import type { DeploymentAnalysis } from './analyze-deployment.js';

/** The stored verdict of a deployment changed (its first verdict included), or it became final. */
export function isVerdictChange(previous: DeploymentAnalysis | undefined, current: DeploymentAnalysis): boolean {
  return previous?.verdict !== current.verdict || (current.final && !previous.final);
}

/**
 * Publishes `analysis.updated` (SSE stream and webhooks): every verdict change, not only the regressions, so views
 * showing a deployment's health (inconclusive → pass, fail → pass once more data came in) refresh themselves.
 */
export function publishAnalysisUpdated(
  bus: EventBus,
  previous: DeploymentAnalysis | undefined,
  analysis: DeploymentAnalysis,
): void {
  bus.publish('analysis.updated', {
    deploymentId: analysis.deploymentId,
    prompt: analysis.prompt,
    environment: analysis.environment,
    version: analysis.version,
    verdict: analysis.verdict,
    previousVerdict: previous?.verdict ?? null,
    evaluatedAt: analysis.evaluatedAt,
    final: analysis.final,
  });
}
