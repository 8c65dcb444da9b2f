import { describe, expect, it } from 'vitest';
import {
  defaultDetectorConfig,
  judgeDeployment,
  mergeDetectorConfig,
  METRIC_NAMES,
  shouldAutoRollback,
  type DeploymentVerdict,
  type EvaluationRecord,
  type MetricName,
  type MetricVerdict,
  type Verdict,
} from '../../server/stats/index.js';

const config = defaultDetectorConfig();

function metric(name: MetricName, verdict: Verdict, reason = `${name} is ${verdict}`): MetricVerdict {
  return {
    name,
    verdict,
    critical: config.criticalMetrics.includes(name),
    mode: 'fixed',
    n: { baseline: 5000, candidate: 5000 },
    baseline: 1,
    candidate: 1,
    effect: 1,
    effectKind: 'ratio',
    change: 0,
    test: 'test',
    alpha: { warn: 0.05, fail: 0.05 },
    threshold: { warn: 1.1, fail: 1.5 },
    reason,
  };
}

/** All eight metrics passing, except the given verdicts. */
function metrics(overrides: Partial<Record<MetricName, Verdict>>): MetricVerdict[] {
  return METRIC_NAMES.map((name) => metric(name, overrides[name] ?? 'pass'));
}

describe('judgeDeployment', () => {
  it('fails when a critical metric fails, quoting it', () => {
    const v = judgeDeployment(
      [
        metric('latency_p95', 'fail', 'p95 latency 812 ms → 1240 ms (×1.53), p=0.0003, fail threshold ×1.5'),
        metric('cost_per_request', 'warn'),
      ],
      config,
      { bakeEnded: false },
    );
    expect(v.verdict).toBe('fail');
    expect(v.failing).toEqual(['latency_p95']);
    expect(v.warning).toEqual(['cost_per_request']);
    expect(v.reason).toBe('critical regression: p95 latency 812 ms → 1240 ms (×1.53), p=0.0003, fail threshold ×1.5');
  });

  it('warns when only non-critical metrics fail, or any metric warns', () => {
    expect(judgeDeployment(metrics({ latency_p99: 'fail' }), config, { bakeEnded: true })).toMatchObject({
      verdict: 'warn',
      failing: [],
      warning: ['latency_p99'],
    });
    expect(judgeDeployment(metrics({ quality: 'warn' }), config, { bakeEnded: true }).verdict).toBe('warn');
    // a warning outranks missing samples
    expect(
      judgeDeployment(metrics({ error_rate: 'inconclusive', cost_per_request: 'warn' }), config, { bakeEnded: true })
        .verdict,
    ).toBe('warn');
  });

  it('is collecting (never pass) while a critical metric lacks samples, inconclusive once the bake window ended', () => {
    const ended = judgeDeployment(metrics({ error_rate: 'inconclusive' }), config, { bakeEnded: true });
    expect(ended).toMatchObject({ verdict: 'inconclusive', pending: ['error_rate'], complete: false });
    expect(ended.reason).toBe('bake window of 30 min ended without enough data: error_rate is inconclusive');
    const baking = judgeDeployment(metrics({ error_rate: 'inconclusive' }), config, { bakeEnded: false });
    expect(baking).toMatchObject({ verdict: 'collecting', complete: false, pending: ['error_rate'] });
    expect(baking.reason).toBe('collecting samples: error_rate is inconclusive');
    // A regression among the judged metrics is reported at once, collecting or not.
    const warned = judgeDeployment(metrics({ error_rate: 'inconclusive', cost_per_request: 'fail' }), config, {
      bakeEnded: false,
    });
    expect(warned.verdict).toBe('warn');
  });

  it('passes otherwise; non-critical metrics without samples do not block', () => {
    const v = judgeDeployment(metrics({ latency_p99: 'inconclusive', input_tokens: 'inconclusive' }), config, {
      bakeEnded: true,
    });
    expect(v).toMatchObject({ verdict: 'pass', complete: true, failing: [], warning: [], pending: [] });
    expect(v.metrics).toHaveLength(8);
  });

  it('follows the configured critical metrics', () => {
    const costCritical = mergeDetectorConfig(config, { criticalMetrics: ['error_rate', 'cost_per_request'] });
    expect(judgeDeployment(metrics({ cost_per_request: 'fail' }), costCritical, { bakeEnded: false }).verdict).toBe(
      'fail',
    );
    expect(judgeDeployment(metrics({ latency_p95: 'fail' }), costCritical, { bakeEnded: false }).verdict).toBe('warn');
  });
});

describe('shouldAutoRollback', () => {
  const deployedAt = Date.UTC(2026, 0, 1, 12, 0);
  const minute = 60_000;
  const failing: DeploymentVerdict = judgeDeployment(
    [metric('error_rate', 'fail', 'error rate 1% → 4% (×4, +3 pp), e=1.2e+4, fail threshold ×3 or +5 pp')],
    config,
    { bakeEnded: false },
  );
  const record = (minutes: number, verdict: Verdict): EvaluationRecord => ({
    at: deployedAt + minutes * minute,
    result: verdict === 'fail' ? failing : { verdict, reason: verdict },
  });

  it('rolls back after 2 consecutive failing evaluations past the minimum time, quoting the numbers', () => {
    const d = shouldAutoRollback(
      [record(5, 'pass'), record(6, 'fail'), record(7, 'fail')],
      config,
      deployedAt + 7 * minute,
      deployedAt,
    );
    expect(d.rollback).toBe(true);
    expect(d.reason).toBe(
      '2 consecutive failing evaluations, 7 min after the deployment: critical regression: error rate 1% → 4% (×4, +3 pp), e=1.2e+4, fail threshold ×3 or +5 pp',
    );
  });

  it('does not roll back on a single failing evaluation', () => {
    const d = shouldAutoRollback([record(6, 'pass'), record(7, 'fail')], config, deployedAt + 7 * minute, deployedAt);
    expect(d.rollback).toBe(false);
    expect(d.reason).toMatch(/^1 of 2 consecutive failing evaluations/);
    // a pass in between breaks the streak
    expect(
      shouldAutoRollback(
        [record(5, 'fail'), record(6, 'pass'), record(7, 'fail')],
        config,
        deployedAt + 7 * minute,
        deployedAt,
      ).rollback,
    ).toBe(false);
  });

  it('never rolls back on warn or inconclusive', () => {
    const warns = [record(6, 'warn'), record(7, 'warn'), record(8, 'warn')];
    expect(shouldAutoRollback(warns, config, deployedAt + 9 * minute, deployedAt)).toEqual({
      rollback: false,
      reason: 'latest evaluation is warn, not fail',
    });
    const lastInconclusive = [record(6, 'fail'), record(7, 'fail'), record(8, 'inconclusive')];
    expect(shouldAutoRollback(lastInconclusive, config, deployedAt + 9 * minute, deployedAt).rollback).toBe(false);
  });

  it('waits for the minimum time since the deployment', () => {
    const early = [record(2, 'fail'), record(3, 'fail')];
    const d = shouldAutoRollback(early, config, deployedAt + 3 * minute, deployedAt);
    expect(d.rollback).toBe(false);
    expect(d.reason).toMatch(/^failing, but only 3 min since the deployment \(5 min needed\)/);
    expect(
      shouldAutoRollback([...early, record(5, 'fail')], config, new Date(deployedAt + 5 * minute), new Date(deployedAt))
        .rollback,
    ).toBe(true);
  });

  it('waits only earlyStop.minSecondsBeforeAutoRollback when the latest failure is decisive', () => {
    const decisive = (at: number): EvaluationRecord => ({
      at: deployedAt + at * 1000,
      result: { verdict: 'fail', reason: 'quality 0.80 → 0.60', decisive: true },
    });
    expect(shouldAutoRollback([decisive(20), decisive(30)], config, deployedAt + 30_000, deployedAt)).toMatchObject({
      rollback: false,
      reason: expect.stringMatching(/^failing, but only 0.5 min since the deployment \(1 min needed\)/) as string,
    });
    const d = shouldAutoRollback([decisive(50), decisive(60)], config, deployedAt + 60_000, deployedAt);
    expect(d).toEqual({
      rollback: true,
      reason: '2 consecutive failing evaluations, 1 min after the deployment: quality 0.80 → 0.60',
    });
  });

  it('ignores evaluations from before the deployment or after now, in any order', () => {
    const history = [record(7, 'fail'), record(-3, 'fail'), record(9, 'pass')];
    expect(shouldAutoRollback(history, config, deployedAt + 8 * minute, deployedAt).rollback).toBe(false);
    expect(
      shouldAutoRollback([record(8, 'fail'), record(7, 'fail')], config, deployedAt + 8 * minute, deployedAt).rollback,
    ).toBe(true);
    expect(shouldAutoRollback([], config, deployedAt + 8 * minute, deployedAt)).toEqual({
      rollback: false,
      reason: 'no evaluation yet',
    });
  });

  it('follows the configured number of consecutive failures', () => {
    const three = mergeDetectorConfig(config, { consecutiveFailsForRollback: 3 });
    const history = [record(6, 'fail'), record(7, 'fail')];
    expect(shouldAutoRollback(history, three, deployedAt + 7 * minute, deployedAt).rollback).toBe(false);
    expect(
      shouldAutoRollback([...history, record(8, 'fail')], three, deployedAt + 8 * minute, deployedAt).rollback,
    ).toBe(true);
  });
});
