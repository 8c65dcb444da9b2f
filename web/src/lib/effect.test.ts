import { describe, expect, it } from 'vitest';
import { formatEffect, formatThresholds } from './effect.js';

describe('effects and thresholds', () => {
  it('renders ratios and differences in the metric unit', () => {
    expect(formatEffect({ name: 'latency_p95', effect: 1.534, effectKind: 'ratio' })).toBe('×1.53');
    expect(formatEffect({ name: 'quality', effect: -0.08, effectKind: 'difference' })).toBe('−0.080');
    expect(formatEffect({ name: 'error_rate', effect: 0.031, effectKind: 'difference' })).toBe('+3.1 pp');
    expect(formatEffect({ name: 'error_rate', effect: Infinity, effectKind: 'ratio' })).toBe('×∞');
    expect(formatEffect({ name: 'cost_per_request', effect: null, effectKind: 'ratio' })).toBe('—');
  });

  it('renders thresholds like effects', () => {
    expect(formatThresholds({ name: 'latency_p95', effectKind: 'ratio', threshold: { warn: 1.15, fail: 1.5 } })).toBe(
      'warn ×1.15, fail ×1.50',
    );
  });
});
