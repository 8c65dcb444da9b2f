import { z } from 'zod';
import { evaluatorName } from '../evaluators/evaluator-spec.js';

/**
 * The online evaluation of one environment: which evaluators score its production generations, on which share of
 * traces (`sampleRate`, decided by a hash of the trace id: the same traces whatever the version, so a canary's arms
 * are sampled alike), at most `maxPerMinute` generations per minute of traffic (the sampled ones with the lowest
 * hashes), and at most `dailyBudgetUsd` of judge calls per UTC day (the model client's recorded cost).
 */
export const onlineConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  evaluators: z
    .array(evaluatorName)
    .min(1, 'must name at least one evaluator')
    .max(10, 'at most 10 evaluators')
    .refine((names) => new Set(names).size === names.length, 'must not repeat an evaluator'),
  sampleRate: z.number().gt(0, 'must be greater than 0').max(1, 'must be at most 1'),
  maxPerMinute: z.number().int('must be an integer').min(1, 'must be at least 1').max(10_000, 'at most 10000'),
  dailyBudgetUsd: z.number().min(0, 'must be at least 0').max(1_000_000, 'at most 1000000'),
});

export type OnlineConfig = z.infer<typeof onlineConfigSchema>;

/** The share of the hash space a sample rate keeps: traces whose cityHash64(TraceId) % 1,000,000 is below it. */
export const HASH_BUCKETS = 1_000_000;
export const sampleThreshold = (rate: number) => Math.round(rate * HASH_BUCKETS);
