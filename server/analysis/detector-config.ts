import type { Environment } from '../registry/environment-queries.js';
import {
  defaultDetectorConfig,
  mergeDetectorConfig,
  type DetectorConfig,
  type DetectorConfigOverrides,
} from '../stats/index.js';

export interface ResolvedDetectorConfig {
  config: DetectorConfig;
  /** Why the environment's `policies.detector` overrides were ignored (the defaults apply), or null. */
  problem: string | null;
}

/** The detector settings of an environment: its `policies.detector` overrides merged over the defaults. */
export function detectorConfigFor(environment: Environment | undefined): ResolvedDetectorConfig {
  const overrides = (environment?.policies.detector ?? {}) as DetectorConfigOverrides;
  try {
    return { config: mergeDetectorConfig(defaultDetectorConfig(), overrides), problem: null };
  } catch (err) {
    return { config: defaultDetectorConfig(), problem: `${(err as Error).message}; the defaults apply` };
  }
}

/** Bake window of a deployment: the canary policy's for canaries, the detector's otherwise. */
export function bakeMinutesFor(kind: string, environment: Environment | undefined, config: DetectorConfig): number {
  return kind === 'canary_start' && environment ? environment.policies.canary.bakeMinutes : config.bakeMinutes;
}
