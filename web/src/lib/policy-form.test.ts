import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../../server/stats/thresholds.js';
import type { Environment } from './api-types.js';
import { policiesPatch, policyForm } from './policy-form.js';

const env: Environment = {
  id: 'production',
  name: 'production',
  order: 3,
  primary: true,
  protected: false,
  updatedAt: '2026-01-01T00:00:00.000Z',
  policies: {
    autoRollback: true,
    autoPromote: false,
    canary: { percent: 10, bakeMinutes: 30 },
    detector: { driftCorrection: false, bakeMinutes: 45, metrics: { quality: { warn: -0.05, sequentialTau: 0.02 } } },
    defaultStrategy: null,
    releaseGate: null,
  },
};

describe('the policy form', () => {
  it('shows overrides as text, empty where the default applies', () => {
    const form = policyForm(env, defaultDetectorConfig());
    expect(form.globals).toEqual({
      bakeMinutes: '45',
      skipMinutesAfterSwitch: '',
      minMinutesBeforeAutoRollback: '',
      consecutiveFailsForRollback: '',
    });
    expect(form.metrics.quality).toEqual({ warn: '-0.05', fail: '', minSamples: '', enabled: true });
  });

  it('becomes a PATCH that keeps overrides it does not show and drops cleared ones', () => {
    const form = policyForm(env, defaultDetectorConfig());
    form.autoRollback = false;
    form.globals.bakeMinutes = '';
    form.metrics.quality!.warn = '';
    form.metrics.latency_p95!.fail = '1.8';
    form.metrics.cost_per_request!.enabled = false;
    form.defaultStrategy = '5% 15m → 50% 30m → 100%';
    expect(policiesPatch(form, env)).toEqual({
      autoRollback: false,
      autoPromote: false,
      canary: { percent: 10, bakeMinutes: 30 },
      detector: {
        driftCorrection: false,
        metrics: { quality: { sequentialTau: 0.02 }, latency_p95: { fail: 1.8 }, cost_per_request: { enabled: false } },
      },
      defaultStrategy: {
        steps: [
          { percent: 5, minutes: 15 },
          { percent: 50, minutes: 30 },
        ],
      },
      releaseGate: null,
    });
  });

  it('names the critical scores as a comma-separated list; empty removes the setting', () => {
    const scored = { ...env, policies: { ...env.policies, detector: { criticalScores: ['routing_correct'] } } };
    const form = policyForm(scored, defaultDetectorConfig());
    expect(form.criticalScores).toBe('routing_correct');
    form.criticalScores = ' routing_correct, helpfulness,, routing_correct ';
    expect(policiesPatch(form, scored).detector).toEqual({ criticalScores: ['routing_correct', 'helpfulness'] });
    form.criticalScores = ' ';
    expect(policiesPatch(form, scored).detector).toEqual({});
  });

  it('shows the default strategy as text, clears it when emptied, and names it when unreadable', () => {
    const ramped = {
      ...env,
      policies: { ...env.policies, defaultStrategy: { steps: [{ percent: 10, minutes: 20 }] } },
    };
    const form = policyForm(ramped, defaultDetectorConfig());
    expect(form.defaultStrategy).toBe('10% 20m → 100%');
    form.defaultStrategy = ' ';
    expect(policiesPatch(form, ramped).defaultStrategy).toBeNull();
    form.defaultStrategy = '10% soon';
    expect(() => policiesPatch(form, ramped)).toThrow('Default ramp strategy: step 1 ("10% soon")');
  });

  it('turns the release-gate fields into the policy, empty tolerance left to the default', () => {
    const form = policyForm(env, defaultDetectorConfig());
    expect([form.gateDataset, form.gateMaxDrop]).toEqual(['', '']);
    form.gateDataset = ' support-tickets ';
    expect(policiesPatch(form, env).releaseGate).toEqual({ dataset: 'support-tickets', maxDrop: undefined });
    form.gateMaxDrop = '0.2';
    expect(policiesPatch(form, env).releaseGate).toEqual({ dataset: 'support-tickets', maxDrop: 0.2 });
    const gated = { ...env, policies: { ...env.policies, releaseGate: { dataset: 'tickets', maxDrop: 0.1 } } };
    expect(policyForm(gated, defaultDetectorConfig())).toMatchObject({ gateDataset: 'tickets', gateMaxDrop: '0.1' });
  });
});
