import type { Config } from '../config.js';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../log.js';
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
 * Runs the evaluator every ANALYSIS_INTERVAL_MS, the next run starting that long after the previous one ended. A run
 * re-evaluates only the deployments that are due (new data, a closed window, a pending rollback), so a short interval
 * costs little when nothing happens and lets large regressions be caught within seconds.
 */
export function startAnalysisLoop(deps: AnalysisLoopDeps): AnalysisLoop {
  const evaluator = createEvaluator({
    ...deps,
    registry: createRegistry(deps),
    minIntervalMs: deps.config.ANALYSIS_INTERVAL_MS,
  });
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let current: Promise<unknown> = Promise.resolve();
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      current = evaluator
        .evaluateNow()
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
