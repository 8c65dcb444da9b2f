import { describe, expect, it } from 'vitest';
import type { OnlineEvaluation } from './api-types.js';
import { canRunOnline, onlineBody, onlineForm } from './online-form.js';

describe('the online evaluation form', () => {
  it('starts from defaults, round-trips a configuration and sends the rate as a share', () => {
    expect(onlineForm(undefined)).toMatchObject({ evaluators: [], ratePercent: '10' });
    const state = {
      config: { enabled: true, evaluators: ['judge'], sampleRate: 0.125, maxPerMinute: 30, dailyBudgetUsd: 2 },
    } as OnlineEvaluation;
    const form = onlineForm(state);
    expect(form).toEqual({
      enabled: true,
      evaluators: ['judge'],
      ratePercent: '12.5',
      maxPerMinute: '30',
      dailyBudgetUsd: '2',
    });
    expect(onlineBody(form)).toEqual(state.config);
  });

  it('offers only evaluators that need no expected output', () => {
    expect(canRunOnline({ config: { type: 'json_valid' } })).toBe(true);
    expect(canRunOnline({ config: { type: 'json_field', field: 'team' } })).toBe(false);
  });
});
