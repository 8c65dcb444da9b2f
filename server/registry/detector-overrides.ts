import { z } from 'zod';
import { defaultDetectorConfig, MAX_CRITICAL_SCORES, mergeDetectorConfig, METRIC_NAMES } from '../stats/index.js';

/**
 * `policies.detector` of an environment: overrides of the regression detector's settings (server/stats/
 * thresholds.ts), checked when they are set, so that a typo is a 400 naming the field instead of overrides the
 * analysis loop would ignore. A metric's direction and effect kind are part of the metric and cannot change.
 */
const minutes = (min: number) =>
  z.number().min(min, `must be at least ${min}`).max(10_080, 'must be at most 10080 (one week)');
const unitInterval = z.number().gt(0, 'must be greater than 0').lt(1, 'must be less than 1');

const metricOverrides = z.strictObject({
  enabled: z.boolean().optional(),
  warn: z.number().optional(),
  fail: z.number().optional(),
  warnMinIncrease: z.number().min(0, 'must be at least 0').optional(),
  failIncrease: z.number().min(0, 'must be at least 0').optional(),
  minSamples: z.number().int('must be an integer').min(2, 'must be at least 2').optional(),
  minEvents: z.number().int('must be an integer').min(0, 'must be at least 0').optional(),
  sequentialTau: z.number().gt(0, 'must be greater than 0').optional(),
});

export const detectorOverridesSchema = z
  .strictObject({
    alpha: unitInterval.optional(),
    autoRollbackAlpha: unitInterval.optional(),
    criticalMetrics: z.array(z.enum(METRIC_NAMES)).max(METRIC_NAMES.length).optional(),
    // Named scores judged each on its own in place of `quality`; null or absent: quality as before.
    criticalScores: z
      .array(z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'))
      .max(MAX_CRITICAL_SCORES, `at most ${MAX_CRITICAL_SCORES} scores`)
      .nullable()
      .optional(),
    skipMinutesAfterSwitch: minutes(0).optional(),
    bakeMinutes: minutes(1).optional(),
    minMinutesBeforeAutoRollback: minutes(0).optional(),
    consecutiveFailsForRollback: z.number().int('must be an integer').min(1).max(100).optional(),
    driftCorrection: z.boolean().optional(),
    metrics: z
      .strictObject(Object.fromEntries(METRIC_NAMES.map((name) => [name, metricOverrides.optional()])))
      .optional(),
  })
  .superRefine((overrides, ctx) => {
    try {
      mergeDetectorConfig(defaultDetectorConfig(), overrides);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(/^invalid detector config: /, '') });
    }
  })
  .transform(
    (overrides) => JSON.parse(JSON.stringify(overrides)) as Record<string, z.infer<ReturnType<typeof z.json>>>,
  );
