import { z } from 'zod';
import { environmentName, promptName, reason, versionNumber } from '../registry/names.js';
import { METRIC_NAMES } from '../stats/index.js';

/**
 * An A/B test: two or more versions of a prompt served side by side in one environment (sticky per key, equal
 * shares of `percent` of the lane's traffic; the first version is the control), for a declared time and/or sample
 * size, compared on a primary metric with guardrail metrics. The primary metric is a named score (`score:<name>`),
 * quality (span quality and every score), cost per request, mean latency, error rate or tokens.
 */
export const PRIMARY_METRICS = [
  'quality',
  'cost_per_request',
  'latency_ms',
  'error_rate',
  'input_tokens',
  'output_tokens',
] as const;
export type PrimaryMetric = (typeof PRIMARY_METRICS)[number] | `score:${string}`;

/** Observations each variant needs before the test concludes anything. */
export const MIN_SAMPLES_PER_VARIANT = 100;
export const MAX_VARIANTS = 5;
export const MAX_TEST_MINUTES = 43_200;

const primaryMetric = z.union(
  [z.enum(PRIMARY_METRICS), z.string().regex(/^score:[A-Za-z0-9_.:-]{1,100}$/, 'a score is named score:<name>')],
  `must be one of ${PRIMARY_METRICS.join(', ')}, or score:<name>`,
) as z.ZodType<PrimaryMetric>;

export const abTestInput = z
  .strictObject({
    prompt: promptName,
    environment: environmentName,
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'may contain only lower-case letters, digits, ".", "_" and "-"')
      .max(64, 'must be at most 64 characters'),
    description: z.string().max(2000, 'must be at most 2000 characters').default(''),
    versions: z
      .array(versionNumber)
      .min(2, 'must hold at least two versions')
      .max(MAX_VARIANTS, `must hold at most ${MAX_VARIANTS} versions`)
      .refine((v) => new Set(v).size === v.length, 'must not repeat a version'),
    /** Share of the lane's traffic in the test; the rest gets what the lane serves otherwise. */
    percent: z.number().gt(0, 'must be greater than 0').max(100, 'must be at most 100').default(100),
    primaryMetric,
    guardrails: z.array(z.enum(METRIC_NAMES)).max(METRIC_NAMES.length).default(['error_rate', 'latency_p95']),
    /** The test ends after this many minutes, or once every version has `samplesPerVariant` (whichever first). */
    maxMinutes: z.number().int('must be whole minutes').min(1).max(MAX_TEST_MINUTES).optional(),
    samplesPerVariant: z
      .number()
      .int('must be an integer')
      .min(MIN_SAMPLES_PER_VARIANT, `must be at least ${MIN_SAMPLES_PER_VARIANT}`)
      .max(100_000_000)
      .optional(),
    alpha: z.number().min(0.001, 'must be at least 0.001').max(0.2, 'must be at most 0.2').default(0.05),
    /** Ship the winner automatically when the test ends with one (and its guardrails pass). */
    autoShip: z.boolean().default(false),
    reason,
  })
  .refine((t) => t.maxMinutes !== undefined || t.samplesPerVariant !== undefined, {
    message: 'declare when the test ends: maxMinutes, samplesPerVariant or both',
    path: ['maxMinutes'],
  });

export type AbTestDefinition = z.infer<typeof abTestInput>;

/** Which way is better for the primary metric. */
export const goalOf = (metric: PrimaryMetric): 'increase' | 'decrease' =>
  metric === 'quality' || metric.startsWith('score:') ? 'increase' : 'decrease';
