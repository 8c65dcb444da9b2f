/**
 * A/A: both arms drawn from the same distribution, exactly at each metric's minimum sample size. The per-metric
 * tests must be calibrated (one-sided p < α about α of the time) and the verdicts must stay within the
 * configured false-positive rate: warn-or-fail at most α (+ simulation tolerance), fail at most the fail level.
 * Seeds are fixed, so the outcome is deterministic; tolerances are ~3 binomial standard errors.
 */
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig, failAlpha, judgeMetric, type MetricName } from '../../server/stats/index.js';
import { simulateArms, type ArmSpec } from './arms.js';
import { Random } from './random.js';

const config = defaultDetectorConfig();
const LATENCY = { median: 800, sigma: 0.5 };

interface Tally {
  seeds: number;
  significant: number;
  warnOrFail: number;
  fail: number;
  inconclusive: number;
}

function runAA(name: MetricName, spec: ArmSpec, seeds: number): Tally {
  const tally: Tally = { seeds, significant: 0, warnOrFail: 0, fail: 0, inconclusive: 0 };
  for (let seed = 1; seed <= seeds; seed++) {
    const { baseline, candidate } = simulateArms(new Random(seed * 1009 + name.length), spec, spec);
    const v = judgeMetric(name, baseline, candidate, config);
    if (v.pValue !== undefined && v.pValue < config.alpha) tally.significant++;
    if (v.verdict === 'warn' || v.verdict === 'fail') tally.warnOrFail++;
    if (v.verdict === 'fail') tally.fail++;
    if (v.verdict === 'inconclusive') tally.inconclusive++;
  }
  return tally;
}

const cases: [MetricName, ArmSpec, number][] = [
  ['error_rate', { n: 1000, errorRate: 0.02 }, 300],
  ['latency_p50', { n: 300, latency: LATENCY }, 300],
  ['latency_p95', { n: 2000, latency: LATENCY }, 300],
  ['latency_p99', { n: 10_000, latency: LATENCY }, 200],
  ['cost_per_request', { n: 200, cost: { median: 0.002, sigma: 1 } }, 300],
  ['output_tokens', { n: 200, outputTokens: { mean: 400, sd: 150 } }, 300],
  ['quality', { n: 500, quality: { mean: 0.8, sd: 0.15 } }, 300],
];

describe('A/A at the minimum sample size', () => {
  for (const [name, spec, seeds] of cases) {
    it(`${name}: calibrated test, false positives within α`, () => {
      expect(spec.n).toBe(config.metrics[name].minSamples);
      const t = runAA(name, spec, seeds);
      const tolerance = 3 * Math.sqrt((config.alpha * (1 - config.alpha)) / seeds);
      expect(t.inconclusive).toBe(0);
      // calibration: neither anti-conservative nor dead
      expect(t.significant / seeds).toBeLessThanOrEqual(config.alpha + tolerance);
      expect(t.significant / seeds).toBeGreaterThanOrEqual(config.alpha - tolerance);
      // verdicts: the double condition can only lower the rate
      expect(t.warnOrFail / seeds).toBeLessThanOrEqual(config.alpha + tolerance);
      const fail = failAlpha(config, name);
      expect(t.fail / seeds).toBeLessThanOrEqual(fail + 3 * Math.sqrt((fail * (1 - fail)) / seeds));
    });
  }
});
