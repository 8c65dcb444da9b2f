import type { EventBus } from '../events/event-bus.js';
import type { DeploymentAnalysis } from './analyze-deployment.js';

/** What the loop knew of the previous evaluation. */
export type PreviousVerdict = Pick<DeploymentAnalysis, 'verdict' | 'final'> | undefined;

/** The stored verdict of a deployment changed (its first verdict included), or it became final. */
export function isVerdictChange(previous: PreviousVerdict, current: DeploymentAnalysis): boolean {
  return previous?.verdict !== current.verdict || (current.final && !previous.final);
}

/**
 * Publishes `analysis.updated` (SSE stream and webhooks): every verdict change, not only the regressions, so views
 * showing a deployment's health (collecting → pass, fail → pass once more data came in) refresh themselves;
 * `lateData` says the change came from data that arrived after the window had closed.
 */
export function publishAnalysisUpdated(bus: EventBus, previous: PreviousVerdict, analysis: DeploymentAnalysis): void {
  bus.publish('analysis.updated', {
    deploymentId: analysis.deploymentId,
    prompt: analysis.prompt,
    environment: analysis.environment,
    version: analysis.version,
    verdict: analysis.verdict,
    previousVerdict: previous?.verdict ?? null,
    evaluatedAt: analysis.evaluatedAt,
    final: analysis.final,
    lateData: analysis.lateData,
  });
}
