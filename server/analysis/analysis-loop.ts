import type { Config } from '../config.js';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../log.js';
import { runAbTests } from '../ab-tests/ab-test-controller.js';
import { runRamps } from '../ramps/ramp-controller.js';
import { createRegistry } from '../registry/registry.js';
import type { Store } from '../store/store.js';
import { createEvaluator, type Evaluator } from './evaluator.js';

export interface AnalysisLoop {
  evaluator: Evaluator;
  /** Stops scheduling and waits for a run in progress. */
  stop(): Promise<void>;
}

export interface AnalysisLoopDeps {
  config: Pick<Config, 'ANALYSIS_INTERVAL_MS'>;
  store: Store;
  bus: EventBus;
  log: Logger;
}

/**
 * Re-evaluates deployments every ANALYSIS_INTERVAL_MS, the next run starting that long after the previous one ended;
 * after each evaluation the running ramps take their next step (server/ramps/) and A/B tests that reached their
 * declared time or size end (server/ab-tests/).
 */
export function startAnalysisLoop(deps: AnalysisLoopDeps): AnalysisLoop {
  const evaluator = createEvaluator({ ...deps, registry: createRegistry(deps) });
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let current: Promise<unknown> = Promise.resolve();
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      current = evaluator
        .evaluateNow()
        .then(() => runRamps(deps, Date.now()))
        .then(() => runAbTests(deps, Date.now()))
        .catch((err: unknown) => deps.log.error('analysis loop failed', { error: String(err) }))
        .finally(schedule);
    }, deps.config.ANALYSIS_INTERVAL_MS);
    timer.unref();
  };
  schedule();
  return {
    evaluator,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
