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
    expect(policiesPatch(form, env)).toEqual({
      autoRollback: false,
      autoPromote: false,
      canary: { percent: 10, bakeMinutes: 30 },
      detector: {
        driftCorrection: false,
        metrics: { quality: { sequentialTau: 0.02 }, latency_p95: { fail: 1.8 }, cost_per_request: { enabled: false } },
      },
      releaseGate: null,
    });
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
