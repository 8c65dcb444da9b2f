import type { RampState } from './ramp-state.js';

/**
 * What a running ramp does next (pure): given its state, the latest analysis of its current step (the canary arm
 * against the stable arm since the step began), the environment's automatic-rollback policy and the time.
 *
 *   before the step's time is up   wait — unless the step fails with automatic rollback off: pause for a person
 *   at or after it:
 *     pass, every critical metric judged      advance to the next step, or after the last one complete (100 %)
 *     fail                                    automatic rollback on: wait for it (the analysis loop rolls the
 *                                             canary back by the detector's rule); off: pause
 *     warn                                    pause (a non-critical metric regressed: a person decides)
 *     anything else (too few samples)         pause, saying which samples are missing and, at the traffic seen,
 *                                             how long they would take
 * A paused or ended ramp does nothing. A failing step never advances.
 */
export interface MissingSamples {
  metric: string;
  /** Observations in the smaller arm, and what each arm needs. */
  have: number;
  needed: number;
  /** Observations per minute in the slower arm so far (0 without traffic). */
  perMinute: number;
}

export interface StepAnalysis {
  deploymentId: string;
  verdict: 'pass' | 'warn' | 'fail' | 'inconclusive' | 'collecting';
  /** Every critical metric could be judged. */
  complete: boolean;
  reason: string;
  evaluatedAt: string;
  missing: MissingSamples[];
}

export type RampDecision =
  | { action: 'none'; reason: string }
  | { action: 'wait'; reason: string }
  | { action: 'pause'; reason: string }
  | { action: 'advance'; step: number; percent: number; reason: string }
  | { action: 'complete'; reason: string };

export interface RampInput {
  ramp: RampState;
  /** The latest analysis of the current step, or null when it has not been evaluated yet. */
  analysis: StepAnalysis | null;
  autoRollback: boolean;
  now: number;
}

const MIN = 60_000;

export function decideRamp({ ramp, analysis, autoRollback, now }: RampInput): RampDecision {
  if (ramp.status !== 'running') return { action: 'none', reason: `the ramp is ${ramp.status}` };
  const step = `step ${ramp.step + 1} of ${ramp.strategy.steps.length} (${ramp.percent}%)`;
  const current = analysis && analysis.deploymentId === ramp.stepDeploymentId ? analysis : null;
  const timeUp = now >= Date.parse(ramp.stepDueAt);
  if (current?.verdict === 'fail') {
    return autoRollback
      ? {
          action: 'wait',
          reason: `${step} fails; the canary is rolled back by the environment's policy: ${current.reason}`,
        }
      : {
          action: 'pause',
          reason: `${step} fails and automatic rollback is off in ${ramp.environment}: ${current.reason}`,
        };
  }
  if (!timeUp) {
    const left = Math.ceil((Date.parse(ramp.stepDueAt) - now) / MIN);
    return { action: 'wait', reason: `${step}: ${left} min left${current ? ` (${current.verdict})` : ''}` };
  }
  if (current?.verdict === 'warn') {
    return { action: 'pause', reason: `${step} ended with a warning: ${current.reason}` };
  }
  if (current?.verdict === 'pass' && current.complete) {
    const next = ramp.step + 1;
    const passed = `${step} passed: ${current.reason}`;
    const following = ramp.strategy.steps[next];
    if (!following)
      return { action: 'complete', reason: `${passed}; the last step, so v${ramp.candidate} takes all traffic` };
    return {
      action: 'advance',
      step: next,
      percent: following.percent,
      reason: `${passed}; on to ${following.percent}%`,
    };
  }
  return { action: 'pause', reason: `${step} ended without a verdict: ${missingText(current, now)}` };
}

/** What is missing, with the time it would take at the traffic seen: "quality 120 / 500 per arm (≈ 3 h more)". */
export function missingText(analysis: StepAnalysis | null, now: number): string {
  if (!analysis) return 'not evaluated yet (no requests reached the analysis); resume to wait longer';
  if (analysis.missing.length === 0) return `${analysis.reason}; resume to wait longer`;
  const parts = analysis.missing.map((m) => {
    const more = Math.max(0, m.needed - m.have);
    const eta = m.perMinute > 0 ? `≈ ${formatMinutes(more / m.perMinute)} more at this traffic` : 'no traffic yet';
    return `${m.metric} ${m.have} / ${m.needed} samples per arm (${eta})`;
  });
  const evaluated = Math.round((now - Date.parse(analysis.evaluatedAt)) / MIN);
  const age = evaluated > 1 ? `, evaluated ${evaluated} min ago` : '';
  return `too few samples: ${parts.join('; ')}${age}; resume to wait for them, skip to go on, or abort`;
}

function formatMinutes(minutes: number): string {
  if (minutes < 90) return `${Math.max(1, Math.ceil(minutes))} min`;
  if (minutes < 48 * 60) return `${Math.ceil(minutes / 60)} h`;
  return `${Math.ceil(minutes / 1440)} days`;
}
