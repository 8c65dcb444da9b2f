import { badRequest } from '../http/errors.js';
import { laneEvents } from '../registry/deployment-queries.js';
import { findEnvironment } from '../registry/environment-queries.js';
import { deriveLaneState } from '../registry/environment-state.js';
import type { Store } from '../store/store.js';
import type { Strategy } from './strategy.js';

export interface DeployRequest {
  prompt: string;
  environment: string;
  version: number;
  canaryPercent?: number | undefined;
  /** Explicit steps; null: deploy at once; absent: the environment's default strategy. */
  strategy?: Strategy | null | undefined;
}

/**
 * Which ramp a deploy request starts, if any: its own strategy, none when it says `strategy: null` or sets a canary
 * percentage by hand, else the environment's default strategy — which applies only when there is something to ramp
 * from (a stable version other than this one, no canary in progress): a first deployment, or a deploy that replaces
 * a running canary, takes effect at once.
 */
export async function chooseStrategy(store: Store, request: DeployRequest): Promise<Strategy | undefined> {
  if (request.canaryPercent !== undefined) {
    if (request.strategy) throw badRequest('strategy: cannot be combined with canaryPercent', 'strategy');
    return undefined;
  }
  if (request.strategy !== undefined) return request.strategy ?? undefined;
  const fallback = (await findEnvironment(store, request.environment))?.policies.defaultStrategy;
  if (!fallback) return undefined;
  const lane = deriveLaneState(await laneEvents(store, request.prompt, request.environment));
  const rampable = lane.stableVersion !== null && lane.stableVersion !== request.version && lane.canary === null;
  return rampable ? fallback : undefined;
}
