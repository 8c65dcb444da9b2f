import type { RegistryDeps } from '../registry/registry-deps.js';
import { listAbTests, type AbTest } from './ab-test-events.js';
import { endAbTest, endCondition, liveResult, shipAbTest } from './ab-test-service.js';

/** The actor of what A/B tests do by themselves (end at their declared time or size, ship under `autoShip`). */
export const AB_TEST_ACTOR = { name: 'ab-test', role: 'deployer' as const };

/**
 * Run by the analysis loop: ends every running test whose declared time or sample size is reached, with its final
 * result, and ships the winner when the test says `autoShip` and the result is `ship`.
 */
export async function runAbTests(deps: RegistryDeps, now: number): Promise<AbTest[]> {
  const running = (await listAbTests(deps.store, {})).filter((t) => t.status === 'running');
  const ended: AbTest[] = [];
  for (const test of running) {
    try {
      const why = endCondition(test, await liveResult(deps, test, now), now);
      if (!why) continue;
      let done = await endAbTest(deps, test, { kind: 'end', actor: AB_TEST_ACTOR.name, reason: why }, now);
      if (done.definition.autoShip && done.result?.decision === 'ship') {
        done = await shipAbTest(deps, done.id, AB_TEST_ACTOR, 'shipped automatically (autoShip)');
      }
      ended.push(done);
    } catch (err) {
      deps.log.error('A/B test check failed', {
        testId: test.id,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
  return ended;
}
