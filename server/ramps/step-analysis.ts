import type { DeploymentAnalysis } from '../analysis/analyze-deployment.js';
import { thresholdsOf, type DetectorConfig } from '../stats/index.js';
import type { StepAnalysis } from './ramp-machine.js';

const MIN = 60_000;

/**
 * A step's analysis as the ramp machine reads it: the verdict, and for each critical metric still without a verdict
 * the samples so far (smaller arm), those needed per arm and the rate at which they arrive.
 */
export function stepAnalysisOf(analysis: DeploymentAnalysis, config: DetectorConfig): StepAnalysis {
  const minutes = (Date.parse(analysis.candidate.to) - Date.parse(analysis.candidate.from)) / MIN;
  const missing = analysis.metrics
    .filter((m) => m.critical && m.verdict === 'inconclusive')
    .map((m) => {
      const have = Math.min(m.n.baseline, m.n.candidate);
      return {
        metric: m.name,
        have,
        needed: thresholdsOf(config, m.name).minSamples, // named scores take the quality thresholds
        perMinute: minutes > 0 ? have / minutes : 0,
      };
    });
  return {
    deploymentId: analysis.deploymentId,
    verdict: analysis.verdict,
    complete: analysis.complete,
    reason: analysis.reason,
    evaluatedAt: analysis.evaluatedAt,
    missing,
  };
}
