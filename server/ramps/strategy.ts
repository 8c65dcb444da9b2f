import { z } from 'zod';
import { formatStrategyText } from './strategy-text.js';

/**
 * A rollout strategy: the steps a new version walks through, each a share of traffic held for a minimum time
 * (e.g. 5 % for 15 min → 25 % for 30 min → 50 % for 30 min → 100 %). A step is left only when its analysis — the
 * canary arm against the stable arm over the step — passes with enough samples; after the last step the version
 * takes all traffic. A final `{ "percent": 100 }` may be written to say so; it is implied otherwise.
 */
export const MAX_STEPS = 20;
export const MAX_STEP_MINUTES = 10_080;

export interface RampStep {
  /** Share of traffic on the new version during the step, in (0, 100). */
  percent: number;
  /** How long the step lasts at least, in minutes. */
  minutes: number;
}

export interface Strategy {
  steps: RampStep[];
}

const step = z.strictObject({
  percent: z.number().gt(0, 'must be greater than 0').max(100, 'must be at most 100'),
  minutes: z
    .number()
    .int('must be a whole number of minutes')
    .min(1, 'must be at least 1')
    .max(MAX_STEP_MINUTES, `must be at most ${MAX_STEP_MINUTES} (one week)`)
    .optional(),
});

/** The API's strategy object, normalised: the implied final 100 % dropped, every step with its minutes. */
export const strategySchema = z
  .strictObject({
    steps: z.array(step).min(1, 'must hold at least one step').max(MAX_STEPS, `must hold at most ${MAX_STEPS} steps`),
  })
  .superRefine(({ steps }, ctx) => {
    steps.forEach((s, i) => {
      const last = i === steps.length - 1;
      if (s.percent === 100 && !last) {
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'percent'], message: 'only the last step may be 100' });
      }
      if (s.percent === 100 && last && i === 0) {
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'percent'], message: 'a ramp needs a step below 100' });
      }
      if (s.percent < 100 && s.minutes === undefined) {
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'minutes'], message: 'is required below 100 percent' });
      }
      const previous = steps[i - 1];
      if (previous && s.percent <= previous.percent) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'percent'],
          message: `must be greater than the step before (${previous.percent})`,
        });
      }
    });
  })
  .transform(({ steps }): Strategy => ({
    steps: steps.filter((s) => s.percent < 100).map((s) => ({ percent: s.percent, minutes: s.minutes ?? 0 })),
  }));

/** `5% 15m → 25% 30m → 100%`. */
export const describeStrategy = formatStrategyText;

/** Total minimum duration of a ramp, in minutes. */
export const strategyMinutes = (strategy: Strategy): number => strategy.steps.reduce((sum, s) => sum + s.minutes, 0);

/** A strategy stored as JSON on a deployment event (trusted: it was validated when the ramp started). */
export function strategyFromJson(text: string): Strategy | null {
  if (text === '') return null;
  return JSON.parse(text) as Strategy;
}
