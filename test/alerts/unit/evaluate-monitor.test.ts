import { describe, expect, it } from 'vitest';
import { evaluateMonitor, type MonitorData } from '../../../server/alerts/monitors/evaluate-monitor.js';
import type { MonitorInput } from '../../../server/alerts/monitors/monitor-input.js';
import type { ArmSummary, MomentSums } from '../../../server/stats/index.js';

const MIN = 60_000;
const sums = (n: number, mean: number, sd: number): MomentSums => ({
  n,
  sum: n * mean,
  sumSq: (n - 1) * sd * sd + n * mean * mean,
});
const arm = (n: number, extra: Partial<ArmSummary> = {}): ArmSummary => ({
  n,
  errors: 0,
  latency: { p50: 500, p95: 900, p99: 1500 },
  cost: sums(n, 0.001, 0.0002),
  inputTokens: sums(n, 100, 10),
  outputTokens: sums(n, 50, 5),
  quality: sums(0, 0, 0),
  ...extra,
});
const data = (current: ArmSummary, reference?: ArmSummary): MonitorData => ({
  window: { from: 0, to: 10 * MIN },
  current,
  ...(reference ? { reference: { from: -60 * MIN, to: 0, arm: reference } } : {}),
});

const threshold = (metric: string, warning: number | null, critical: number | null, op: 'above' | 'below' = 'above') =>
  ({ metric, minSamples: 100, condition: { type: 'threshold', op, warning, critical, windowMinutes: 10 } }) as Pick<
    MonitorInput,
    'metric' | 'condition' | 'minSamples'
  >;

describe('a threshold condition', () => {
  it('picks the highest level crossed, with the value and the threshold', () => {
    const p95 = (value: number) => arm(500, { latency: { p50: 400, p95: value, p99: 2000 } });
    expect(evaluateMonitor(threshold('latency_p95', 1000, 2000), data(p95(2500))).level).toBe('critical');
    const warning = evaluateMonitor(threshold('latency_p95', 1000, 2000), data(p95(1500)));
    expect(warning).toMatchObject({
      level: 'warning',
      facts: { current: '1500 ms', threshold: '1000 ms', n: { current: 500, baseline: null } },
    });
    expect(warning.facts.reason).toBe(
      'p95 latency 1500 ms over the last 10 min, above the warning level 1000 ms (n=500)',
    );
    expect(evaluateMonitor(threshold('latency_p95', 1000, 2000), data(p95(900))).level).toBe('ok');
  });

  it('is no data under the minimum sample, except for the request count itself', () => {
    const quiet = evaluateMonitor(threshold('error_rate', 0.01, 0.05), data(arm(40, { errors: 30 })));
    expect(quiet).toMatchObject({
      level: 'no_data',
      facts: { reason: 'error rate: 40 requests over the last 10 min, 100 needed' },
    });
    expect(evaluateMonitor(threshold('requests', 20, 5, 'below'), data(arm(3))).level).toBe('critical');
  });
});

describe('a change condition', () => {
  const change = (metric: string, warning: number | null, critical: number | null) =>
    ({
      metric,
      minSamples: 100,
      condition: { type: 'change', warning, critical, windowMinutes: 10, referenceMinutes: 60, alpha: 0.01 },
    }) as Pick<MonitorInput, 'metric' | 'condition' | 'minSamples'>;

  it('uses the detector: significant and past the level', () => {
    const before = arm(2000);
    const doubled = arm(400, { cost: sums(400, 0.002, 0.0004) });
    const fired = evaluateMonitor(change('cost_per_request', 1.2, 1.5), data(doubled, before));
    expect(fired).toMatchObject({
      level: 'critical',
      facts: { effect: '×2', baseline: '$0.001', current: '$0.002', test: 'Welch t-test' },
    });
    const slightly = arm(400, { cost: sums(400, 0.00105, 0.0002) });
    expect(evaluateMonitor(change('cost_per_request', 1.2, 1.5), data(slightly, before)).level).toBe('ok');
  });

  it('with one level given, a detector fail means that level', () => {
    const before = arm(2000);
    const doubled = arm(400, { cost: sums(400, 0.002, 0.0004) });
    expect(evaluateMonitor(change('cost_per_request', 1.3, null), data(doubled, before)).level).toBe('warning');
  });

  it('judges a named score as quality is, under its own name', () => {
    const before = arm(2000, { quality: sums(2000, 0.8, 0.1) });
    const worse = arm(600, { quality: sums(600, 0.7, 0.1) });
    const out = evaluateMonitor(change('score:helpfulness', null, null), data(worse, before));
    expect(out.level).toBe('critical');
    expect(out.facts.reason).toMatch(/^score "helpfulness" 0\.8 → 0\.7 \(−0\.1\)/);
  });

  it('is no data when an arm lacks samples', () => {
    expect(evaluateMonitor(change('cost_per_request', 1.2, 1.5), data(arm(50), arm(2000))).level).toBe('no_data');
  });
});
