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

/** A/B tests end at a declared minute or sample size: checking them once a minute is enough. */
const AB_TEST_CHECK_MS = 60_000;

/**
 * Runs the evaluator every ANALYSIS_INTERVAL_MS, the next run starting that long after the previous one ended. A run
 * re-evaluates only the deployments that are due (new data, a closed window, a pending rollback), so a short interval
 * costs little when nothing happens and lets large regressions be caught within seconds. After each run the running
 * ramps take their next step (server/ramps/, a few small queries) and, at most once a minute, A/B tests that reached
 * their declared time or size end (server/ab-tests/: each check reads the test's spans).
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
  let abTestsCheckedAt = 0;
  const checkAbTests = async () => {
    const now = Date.now();
    if (now - abTestsCheckedAt < AB_TEST_CHECK_MS) return;
    abTestsCheckedAt = now;
    await runAbTests(deps, now);
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      current = evaluator
        .evaluateNow()
        .then(() => runRamps(deps, Date.now()))
        .then(checkAbTests)
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
