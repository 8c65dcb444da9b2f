import { describe, expect, it } from 'vitest';
import { conditionText, minutesText, monitorMetricLabel, scopeText } from './alert-text.js';

describe('alert text', () => {
  it('names a scope, with every part optional', () => {
    expect(scopeText({ environment: 'production', prompt: 'triage', model: '' })).toBe('triage in production');
    expect(scopeText({ environment: '', prompt: '', model: 'gpt-4o' })).toBe(
      'every prompt in every environment on gpt-4o',
    );
  });

  it('describes both kinds of condition in the metric’s unit', () => {
    expect(
      conditionText({
        metric: 'latency_p95',
        condition: { type: 'threshold', op: 'above', warning: 1500, critical: 3000, windowMinutes: 10 },
      }),
    ).toBe('Latency p95 over 10 min above 1.50 s warning, 3.00 s critical');
    expect(
      conditionText({
        metric: 'score:helpfulness',
        condition: {
          type: 'change',
          warning: -0.05,
          critical: null,
          windowMinutes: 60,
          referenceMinutes: 10080,
          alpha: 0.01,
        },
      }),
    ).toBe('Score "helpfulness" over 1 h against the 7 days before: −0.05 warning');
    expect(monitorMetricLabel('requests')).toBe('Requests');
    expect(minutesText(90)).toBe('90 min');
  });
});
