import { createEvaluator, type Evaluator } from '../../server/analysis/evaluator.js';
import { silentLogger } from '../../server/log.js';
import { createRegistry } from '../../server/registry/registry.js';
import type { TestTracelane } from '../helpers/tracelane.js';

/**
 * The evaluator of the analysis loop on a test instance, run by hand (`evaluateNow`) at the time `now` gives. Inserts
 * and runs happen in sequence here, so arrivals need no margin before a run's watermark.
 */
export function testEvaluator(tl: TestTracelane, now: () => number, minIntervalMs = 60_000): Evaluator {
  const deps = { store: tl.store, bus: tl.bus, log: silentLogger };
  return createEvaluator({ ...deps, registry: createRegistry(deps), now, minIntervalMs, watermarkMarginMs: 0 });
}
