import { describe, expect, it } from 'vitest';
import {
  defaultDetectorConfig,
  judgeMetric,
  judgeMetrics,
  mergeDetectorConfig,
  type ArmSummary,
} from '../../server/stats/index.js';
import { emptyArm } from './arms.js';

const config = defaultDetectorConfig();

function tailArm(p95: number, above: number, n = 5000): ArmSummary {
  return { ...emptyArm(n), latency: { p50: 400, p95, p99: 2 * p95, aboveP95Pooled: above } };
}

describe('judgeMetric', () => {
  it('fails a p95 regression and says why, with the numbers', () => {
    const v = judgeMetric('latency_p95', tailArm(812, 150), tailArm(1240, 350), config);
    expect(v).toMatchObject({
      name: 'latency_p95',
      verdict: 'fail',
      critical: true,
      mode: 'fixed',
      n: { baseline: 5000, candidate: 5000 },
      baseline: 812,
      candidate: 1240,
      effectKind: 'ratio',
      test: 'pooled-p95 exceedance test',
      threshold: { warn: 1.15, fail: 1.5 },
    });
    expect(v.effect).toBeCloseTo(1240 / 812, 12);
    expect(v.alpha.fail).toBeCloseTo(0.01 / 3, 12);
    expect(v.pValue).toBeLessThan(1e-10);
    expect(v.eValue).toBeUndefined();
    expect(v.reason).toMatch(/^p95 latency 812 ms → 1240 ms \(×1\.53\), p=\d\.\de-\d+, fail threshold ×1\.5$/);
  });

  it('applies the double condition: significant but small is pass, large but not significant is pass', () => {
    const small = judgeMetric('latency_p95', tailArm(812, 150), tailArm(850, 350), config);
    expect(small.verdict).toBe('pass');
    expect(small.reason).toMatch(/significant but within the warn threshold ×1\.15/);
    const noisy = judgeMetric('latency_p95', tailArm(812, 100), tailArm(1300, 104), config);
    expect(noisy.verdict).toBe('pass');
    expect(noisy.reason).toMatch(/no significant regression \(α=0\.05\)/);
  });

  it('warns when past the fail threshold but significant only at the warn level (critical metric)', () => {
    // 100 vs 130 above the pooled p95 of 5,000 each: one-sided p ≈ 0.02, below 0.05 but above 0.0033
    const v = judgeMetric('latency_p95', tailArm(812, 100), tailArm(1300, 130), config);
    expect(v.pValue).toBeGreaterThan(0.01 / 3);
    expect(v.pValue).toBeLessThan(0.05);
    expect(v.verdict).toBe('warn');
    expect(v.reason).toMatch(/past the fail threshold ×1\.5 but significant only at α=0\.05/);
  });

  it('judges error rate by ratio AND absolute increase for warn, ratio OR +5 pp for fail', () => {
    const arm = (n: number, errors: number): ArmSummary => ({ ...emptyArm(n), errors });
    const fail = judgeMetric('error_rate', arm(10_000, 100), arm(10_000, 400), config);
    expect(fail.verdict).toBe('fail');
    expect(fail.change).toBeCloseTo(0.03, 12);
    expect(fail.reason).toMatch(/^error rate 1% → 4% \(×4, \+3 pp\), p=.*, fail threshold ×3 or \+5 pp$/);
    // ×2 but only +0.2 pp: below the warn condition's absolute part
    expect(judgeMetric('error_rate', arm(100_000, 200), arm(100_000, 400), config).verdict).toBe('pass');
    // ×1.2 but +6 pp: fails on the absolute increase
    expect(judgeMetric('error_rate', arm(10_000, 3000), arm(10_000, 3600), config).verdict).toBe('fail');
    // from zero errors: ratio ∞, judged because the arms together have ≥ 10 errors
    const fromZero = judgeMetric('error_rate', arm(2000, 0), arm(2000, 40), config);
    expect(fromZero.verdict).toBe('fail');
    expect(fromZero.effect).toBe(Infinity);
    expect(fromZero.reason).toMatch(/×∞/);
  });

  it('judges quality as an absolute decrease; an increase is never a regression', () => {
    const arm = (mean: number, n = 1000): ArmSummary => ({
      ...emptyArm(n),
      quality: { n, sum: mean * n, sumSq: n * (mean * mean + 0.01 * (1 - 1 / n)) }, // sd 0.1
    });
    const worse = judgeMetric('quality', arm(0.8), arm(0.75), config);
    expect(worse.verdict).toBe('warn');
    expect(worse.effect).toBeCloseTo(-0.05, 12);
    expect(worse.reason).toMatch(/^quality 0\.8 → 0\.75 \(−0\.05\), p=.*, warn threshold −0\.03$/);
    expect(judgeMetric('quality', arm(0.8), arm(0.7), config).verdict).toBe('fail');
    expect(judgeMetric('quality', arm(0.7), arm(0.8), config).verdict).toBe('pass');
  });

  it('uses the mSPRT e-value for critical metrics in sequential mode, fixed tests otherwise', () => {
    const live = judgeMetric('latency_p95', tailArm(812, 150), tailArm(1240, 350), config, { mode: 'sequential' });
    expect(live.verdict).toBe('fail');
    expect(live.test).toBe('mSPRT (pooled-p95 exceedance test)');
    expect(live.eValue).toBeGreaterThan(300);
    expect(live.pValue).toBeUndefined();
    expect(live.reason).toMatch(/, e=\d\.\de\+\d+, fail threshold ×1\.5$/);
    const sums = (n: number, mean: number) => ({ n, sum: n * mean, sumSq: n * mean * mean * 1.25 });
    const costArm = (mean: number): ArmSummary => ({ ...emptyArm(400), cost: sums(400, mean) });
    const cost = judgeMetric('cost_per_request', costArm(0.002), costArm(0.0026), config, { mode: 'sequential' });
    expect(cost.critical).toBe(false);
    expect(cost.test).toBe('Welch t-test');
    expect(cost.pValue).toBeLessThan(0.05);
    expect(cost.verdict).toBe('warn');
    expect(cost.reason).toMatch(/^cost per request \$0\.002 → \$0\.0026 \(×1\.3\)/);
  });

  it('follows per-environment overrides', () => {
    const strict = mergeDetectorConfig(config, { metrics: { latency_p95: { warn: 1.02, fail: 1.04 } } });
    expect(judgeMetric('latency_p95', tailArm(812, 150), tailArm(850, 350), strict).verdict).toBe('fail');
    const relaxed = mergeDetectorConfig(config, { metrics: { latency_p95: { minSamples: 6000 } } });
    const v = judgeMetric('latency_p95', tailArm(812, 150), tailArm(1240, 350), relaxed);
    expect(v.verdict).toBe('inconclusive');
    expect(v.reason).toBe('p95 latency: too few samples (baseline 5000, candidate 5000; 6000 per arm needed)');
  });

  it('is inconclusive, not failing, when the data for the test is missing', () => {
    const v = judgeMetric('latency_p50', tailArm(812, 150), tailArm(1240, 350), config);
    expect(v.verdict).toBe('inconclusive');
    expect(v.reason).toBe('p50 latency: no counts above the pooled p50 and no latency samples');
  });

  it('judges p50 by the counts above the pooled median when there are no raw samples', () => {
    const arm = (p50: number, above: number): ArmSummary => ({
      ...emptyArm(2000),
      latency: { p50, p95: 2 * p50, p99: 3 * p50, aboveP50Pooled: above },
    });
    const slower = judgeMetric('latency_p50', arm(400, 1000), arm(640, 1500), config);
    expect(slower).toMatchObject({ verdict: 'fail', test: 'pooled-p50 exceedance test', effect: 1.6 });
    expect(judgeMetric('latency_p50', arm(400, 1000), arm(410, 1010), config).verdict).toBe('pass');
  });

  it('judgeMetrics judges every enabled metric in order', () => {
    const off = mergeDetectorConfig(config, { metrics: { input_tokens: { enabled: false } } });
    const names = judgeMetrics(emptyArm(10), emptyArm(10), off).map((m) => m.name);
    expect(names).toEqual([
      'error_rate',
      'latency_p50',
      'latency_p95',
      'latency_p99',
      'cost_per_request',
      'output_tokens',
      'quality',
    ]);
    expect(judgeMetrics(emptyArm(10), emptyArm(10), off).every((m) => m.verdict === 'inconclusive')).toBe(true);
  });
});
