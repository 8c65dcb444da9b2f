import { testEvaluator } from '../analysis/test-evaluator.js';
import { generationSpan } from '../analysis/span-factory.js';
import { BASE_PROFILE, drawRequest, seededRandom, type TrafficProfile } from '../analysis/traffic.js';
import { silentLogger } from '../../server/log.js';
import { runRamps, type RampOutcome } from '../../server/ramps/ramp-controller.js';
import type { TestTracelane } from '../helpers/tracelane.js';

export const MIN = 60_000;

/**
 * A compressed clock for ramp tests: `tick(at)` runs what the analysis loop runs at that time — the evaluation of
 * the deployments, then the ramps' next steps — with every write stamped at `at`.
 */
export function rampClock(tl: TestTracelane) {
  let clock = 0;
  const evaluator = testEvaluator(tl, () => clock);
  return {
    async tick(at: number): Promise<RampOutcome[]> {
      clock = at;
      await evaluator.evaluateNow();
      return runRamps({ store: tl.store, bus: tl.bus, log: silentLogger }, at);
    },
  };
}

/** Generation spans of one lane over [from, from + minutes): `perArm` requests of each version, interleaved. */
export async function insertTraffic(
  tl: TestTracelane,
  lane: { prompt: string; environment: string },
  arms: { version: number; profile?: TrafficProfile }[],
  from: number,
  minutes: number,
  perArm: number,
  seed: number,
): Promise<void> {
  const random = seededRandom(seed);
  const rows = [];
  for (let i = 0; i < perArm; i++) {
    for (const arm of arms) {
      rows.push(
        generationSpan({
          ...lane,
          version: String(arm.version),
          time: from + 1 + Math.floor((i * minutes * MIN) / perArm),
          ...drawRequest(random, arm.profile ?? BASE_PROFILE),
        }),
      );
    }
  }
  await tl.store.insert('otel_traces', rows);
}

/** Detector settings that judge a step on a few hundred requests per arm, so tests stay small. */
export const SMALL_DETECTOR = {
  skipMinutesAfterSwitch: 0,
  minMinutesBeforeAutoRollback: 2,
  metrics: {
    error_rate: { minSamples: 300, minEvents: 5 },
    latency_p95: { minSamples: 300 },
    quality: { minSamples: 300 },
  },
};
