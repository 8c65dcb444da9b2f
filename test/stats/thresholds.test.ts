import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DETECTOR_CONFIG,
  defaultDetectorConfig,
  failAlpha,
  mergeDetectorConfig,
  METRIC_NAMES,
  validateDetectorConfig,
} from '../../server/stats/index.js';

describe('default detector config', () => {
  it('holds the spec table', () => {
    const c = defaultDetectorConfig();
    expect(METRIC_NAMES).toEqual([
      'error_rate',
      'latency_p50',
      'latency_p95',
      'latency_p99',
      'cost_per_request',
      'input_tokens',
      'output_tokens',
      'quality',
    ]);
    expect(c.metrics.error_rate).toMatchObject({
      warn: 1.5,
      warnMinIncrease: 0.005,
      fail: 3,
      failIncrease: 0.05,
      minSamples: 1000,
      minEvents: 10,
    });
    expect(c.metrics.latency_p50).toMatchObject({ warn: 1.1, fail: 1.5, minSamples: 300, effectKind: 'ratio' });
    expect(c.metrics.latency_p95).toMatchObject({ warn: 1.15, fail: 1.5, minSamples: 2000 });
    expect(c.metrics.latency_p99).toMatchObject({ warn: 1.25, fail: 2, minSamples: 10_000 });
    for (const name of ['cost_per_request', 'input_tokens', 'output_tokens'] as const) {
      expect(c.metrics[name]).toMatchObject({ warn: 1.1, fail: 1.5, minSamples: 200, direction: 'higher_is_worse' });
    }
    expect(c.metrics.quality).toMatchObject({
      warn: -0.03,
      fail: -0.08,
      minSamples: 500,
      direction: 'lower_is_worse',
      effectKind: 'difference',
    });
    expect(c).toMatchObject({
      alpha: 0.05,
      autoRollbackAlpha: 0.01,
      criticalMetrics: ['error_rate', 'latency_p95', 'quality'],
      skipMinutesAfterSwitch: 2,
      bakeMinutes: 30,
      minMinutesBeforeAutoRollback: 5,
      consecutiveFailsForRollback: 2,
      driftCorrection: true,
    });
    expect(validateDetectorConfig(c)).toEqual([]);
  });

  it('splits the rollback α across the enabled critical metrics (Bonferroni)', () => {
    const c = defaultDetectorConfig();
    expect(failAlpha(c, 'error_rate')).toBeCloseTo(0.01 / 3, 15);
    expect(failAlpha(c, 'latency_p50')).toBe(0.05);
    const twoCritical = mergeDetectorConfig(c, { metrics: { quality: { enabled: false } } });
    expect(failAlpha(twoCritical, 'error_rate')).toBeCloseTo(0.005, 15);
  });
});

describe('mergeDetectorConfig', () => {
  it('merges per-environment overrides field by field without touching the defaults', () => {
    const merged = mergeDetectorConfig(DEFAULT_DETECTOR_CONFIG, {
      bakeMinutes: 60,
      criticalMetrics: ['error_rate'],
      metrics: { latency_p95: { warn: 1.3 }, quality: { minSamples: 100, fail: undefined } },
    });
    expect(merged.bakeMinutes).toBe(60);
    expect(merged.criticalMetrics).toEqual(['error_rate']);
    expect(merged.metrics.latency_p95).toMatchObject({ warn: 1.3, fail: 1.5, minSamples: 2000 });
    expect(merged.metrics.quality).toMatchObject({ minSamples: 100, fail: -0.08 }); // undefined is ignored
    expect(DEFAULT_DETECTOR_CONFIG.metrics.latency_p95.warn).toBe(1.15);
    expect(DEFAULT_DETECTOR_CONFIG.criticalMetrics).toHaveLength(3);
    expect(mergeDetectorConfig(DEFAULT_DETECTOR_CONFIG)).toEqual(defaultDetectorConfig());
  });

  it('rejects unusable configurations with every problem named', () => {
    expect(() => mergeDetectorConfig(DEFAULT_DETECTOR_CONFIG, { alpha: 1.5 })).toThrow(/alpha must be in \(0, 1\)/);
    expect(() => mergeDetectorConfig(DEFAULT_DETECTOR_CONFIG, { metrics: { latency_p95: { fail: 1.1 } } })).toThrow(
      /latency_p95: fail threshold must be at or beyond the warn threshold/,
    );
    expect(() => mergeDetectorConfig(DEFAULT_DETECTOR_CONFIG, { metrics: { quality: { fail: -0.01 } } })).toThrow(
      /quality/,
    );
    const unknown = JSON.parse('{"metrics":{"latency_p90":{"warn":2}},"criticalMetrics":["p95"]}') as Parameters<
      typeof mergeDetectorConfig
    >[1];
    expect(() => mergeDetectorConfig(DEFAULT_DETECTOR_CONFIG, unknown)).toThrow(
      /unknown metric "latency_p90".*unknown critical metric "p95"/,
    );
    expect(() => mergeDetectorConfig(DEFAULT_DETECTOR_CONFIG, { consecutiveFailsForRollback: 0 })).toThrow(
      /consecutiveFailsForRollback/,
    );
  });
});
