/**
 * Live checks: the analysis re-evaluates every minute on cumulative data. Under A/A, the always-valid mSPRT
 * keeps the chance of EVER rejecting over 100 checks at or below α, while a naive fixed-horizon test checked
 * the same 100 times rejects far more often (the spec cites 43% for Welch vs 4.3% for mSPRT). This file
 * documents that property with numbers, then checks the same through judgeMetric's sequential mode.
 */
import { describe, expect, it } from 'vitest';
import {
  defaultDetectorConfig,
  judgeMetric,
  msprtFromSummaries,
  msprtProportions,
  summaryFromSums,
  twoProportionZTest,
  welchTTest,
  type ArmSummary,
  type MomentSums,
} from '../../server/stats/index.js';
import { emptyArm } from './arms.js';
import { Random } from './random.js';

const ALPHA = 0.05;
const SEEDS = 200;
const MINUTES = 100;
const TOLERANCE = 3 * Math.sqrt((ALPHA * (1 - ALPHA)) / SEEDS);

function addNormals(rng: Random, sums: MomentSums, count: number, mean: number, sd: number): void {
  for (let i = 0; i < count; i++) {
    const x = rng.normal(mean, sd);
    sums.n++;
    sums.sum += x;
    sums.sumSq += x * x;
  }
}

describe('repeated checks under A/A (100 checks, one per minute)', () => {
  it('mSPRT on a mean stays ≤ α; naive repeated Welch does not', () => {
    let msprtEver = 0;
    let welchEver = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const rng = new Random(seed);
      const a: MomentSums = { n: 0, sum: 0, sumSq: 0 };
      const b: MomentSums = { n: 0, sum: 0, sumSq: 0 };
      let msprtRejected = false;
      let welchRejected = false;
      for (let minute = 1; minute <= MINUTES; minute++) {
        addNormals(rng, a, 50, 0.8, 0.15);
        addNormals(rng, b, 50, 0.8, 0.15);
        const sa = summaryFromSums(a);
        const sb = summaryFromSums(b);
        if (msprtFromSummaries(sa, sb, 0.03, ALPHA, 'decrease')?.rejected) msprtRejected = true;
        if ((welchTTest(sa, sb)?.pLess ?? 1) < ALPHA) welchRejected = true;
      }
      if (msprtRejected) msprtEver++;
      if (welchRejected) welchEver++;
    }
    expect(msprtEver / SEEDS).toBeLessThanOrEqual(ALPHA + TOLERANCE);
    // Documented property: peeking 100 times multiplies the naive test's false-positive rate (≈ 30% here).
    expect(welchEver / SEEDS).toBeGreaterThanOrEqual(0.2);
    expect(welchEver).toBeGreaterThan(4 * msprtEver);
  });

  it('mSPRT on an error rate stays ≤ α; naive repeated z-test does not', () => {
    let msprtEver = 0;
    let zEver = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const rng = new Random(seed + 10_000);
      let errorsA = 0;
      let errorsB = 0;
      let n = 0;
      let msprtRejected = false;
      let zRejected = false;
      for (let minute = 1; minute <= MINUTES; minute++) {
        n += 200;
        errorsA += rng.binomial(200, 0.02);
        errorsB += rng.binomial(200, 0.02);
        const tau = (0.5 * (errorsA + errorsB)) / (2 * n);
        if (msprtProportions(errorsA, n, errorsB, n, tau, ALPHA, 'increase')?.rejected) msprtRejected = true;
        if ((twoProportionZTest(errorsA, n, errorsB, n)?.pGreater ?? 1) < ALPHA) zRejected = true;
      }
      if (msprtRejected) msprtEver++;
      if (zRejected) zEver++;
    }
    expect(msprtEver / SEEDS).toBeLessThanOrEqual(ALPHA + TOLERANCE);
    expect(zEver / SEEDS).toBeGreaterThanOrEqual(0.2);
  });
});

describe("judgeMetric's sequential mode", () => {
  const config = defaultDetectorConfig();
  const arm = (n: number, errors: number): ArmSummary => ({ ...emptyArm(n), errors });

  it('A/A: a critical metric checked every minute rarely warns or fails; fixed tests checked as often do', () => {
    let sequentialEver = 0;
    let fixedEver = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const rng = new Random(seed + 20_000);
      let errorsA = 0;
      let errorsB = 0;
      let n = 0;
      let sequentialFlag = false;
      let fixedFlag = false;
      for (let minute = 1; minute <= MINUTES; minute++) {
        n += 200;
        errorsA += rng.binomial(200, 0.02);
        errorsB += rng.binomial(200, 0.02);
        const live = judgeMetric('error_rate', arm(n, errorsA), arm(n, errorsB), config, { mode: 'sequential' });
        const fixed = judgeMetric('error_rate', arm(n, errorsA), arm(n, errorsB), config, { mode: 'fixed' });
        if (live.verdict === 'warn' || live.verdict === 'fail') sequentialFlag = true;
        if (fixed.verdict === 'warn' || fixed.verdict === 'fail') fixedFlag = true;
      }
      if (sequentialFlag) sequentialEver++;
      if (fixedFlag) fixedEver++;
    }
    expect(sequentialEver / SEEDS).toBeLessThanOrEqual(config.alpha);
    expect(fixedEver).toBeGreaterThan(2 * sequentialEver + 5);
  });

  it('planted error rate 2% → 8% (×4) fails live within minutes', () => {
    const failedAt: number[] = [];
    for (let seed = 1; seed <= 50; seed++) {
      const rng = new Random(seed + 30_000);
      let errorsA = 0;
      let errorsB = 0;
      let n = 0;
      for (let minute = 1; minute <= MINUTES; minute++) {
        n += 200;
        errorsA += rng.binomial(200, 0.02);
        errorsB += rng.binomial(200, 0.08);
        const v = judgeMetric('error_rate', arm(n, errorsA), arm(n, errorsB), config, { mode: 'sequential' });
        if (v.verdict === 'fail') {
          expect(v.eValue).toBeGreaterThanOrEqual(1 / (config.autoRollbackAlpha / config.criticalMetrics.length));
          expect(v.pValue).toBeUndefined();
          failedAt.push(minute);
          break;
        }
      }
    }
    expect(failedAt.length).toBe(50);
    const sorted = [...failedAt].sort((x, y) => x - y);
    expect(sorted[25]).toBeLessThanOrEqual(10); // median minute of detection (1,000 requests per arm at minute 5)
  });
});
