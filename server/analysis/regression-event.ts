import type { EventBus } from '../events/event-bus.js';
import type { DeploymentAnalysis } from './analyze-deployment.js';
import type { PreviousVerdict } from './analysis-updated-event.js';

/** A new `warn` or `fail`: the verdict turned into one of them (not a repeat of the same verdict). */
export function isNewRegression(previous: PreviousVerdict, current: DeploymentAnalysis): boolean {
  return (current.verdict === 'warn' || current.verdict === 'fail') && previous?.verdict !== current.verdict;
}

/** Publishes `regression.detected` (SSE stream and webhooks) with the verdict and its worst metric's numbers. */
export function publishRegression(bus: EventBus, analysis: DeploymentAnalysis): void {
  const worst = analysis.worstMetric;
  bus.publish('regression.detected', {
    deploymentId: analysis.deploymentId,
    prompt: analysis.prompt,
    environment: analysis.environment,
    version: analysis.version,
    previousVersion: analysis.previousVersion,
    verdict: analysis.verdict,
    reason: analysis.reason,
    evaluatedAt: analysis.evaluatedAt,
    failing: analysis.failing,
    warning: analysis.warning,
    worstMetric: worst && {
      name: worst.name,
      verdict: worst.verdict,
      critical: worst.critical,
      n: worst.n,
      baseline: worst.baseline,
      candidate: worst.candidate,
      effect: worst.effect,
      effectKind: worst.effectKind,
      change: worst.change,
      test: worst.test,
      pValue: worst.pValue ?? null,
      eValue: worst.eValue ?? null,
      threshold: worst.threshold,
      reason: worst.reason,
    },
  });
}
