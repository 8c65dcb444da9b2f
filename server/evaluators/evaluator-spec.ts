import { z } from 'zod';
import { nameSchema, promptName, versionNumber } from '../registry/names.js';

/**
 * The evaluator types and their settings. Every evaluator produces one score in [0, 1] named after the evaluator
 * (`routing_correct`, `helpfulness`). Binary evaluators score 0 or 1; numeric closeness and LLM-as-judge give
 * continuous scores (compared with a Wilcoxon test instead of McNemar).
 */
const fieldPath = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'must be a dot path such as team or routing.team');

export const evaluatorConfig = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('exact_match'),
    caseSensitive: z.boolean().default(true),
    trim: z.boolean().default(true),
  }),
  z.strictObject({ type: z.literal('json_field'), field: fieldPath }),
  z.strictObject({
    type: z.literal('regex'),
    pattern: z
      .string()
      .min(1)
      .max(1000)
      .refine((p) => compiles(p), 'must be a valid regular expression'),
    flags: z
      .string()
      .regex(/^[imsu]*$/, 'may contain only the flags i, m, s and u')
      .default(''),
  }),
  z.strictObject({ type: z.literal('json_valid') }),
  z.strictObject({
    type: z.literal('json_schema'),
    /** A schema of its own; without one, the prompt version's response schema. */
    schema: z.record(z.string(), z.json()).optional(),
  }),
  z.strictObject({
    type: z.literal('numeric'),
    field: fieldPath.optional(),
    /** The distance at which the score reaches 0 (1 at equality, linear between); 0: equal or not. */
    tolerance: z.number().min(0).default(0),
    relative: z.boolean().default(false),
  }),
  z.strictObject({
    type: z.literal('llm_judge'),
    /** The judge prompt, a prompt in the registry; it must answer JSON {"score": 0..1, "reason": "…"}. */
    prompt: promptName,
    version: versionNumber,
    /** The connection the judge is asked through (by name). */
    connection: nameSchema(64),
    model: z.string().min(1).max(200).optional(),
  }),
]);

export type EvaluatorConfig = z.infer<typeof evaluatorConfig>;
export type EvaluatorType = EvaluatorConfig['type'];
export const EVALUATOR_TYPES = evaluatorConfig.options.map((o) => o.shape.type.value);

/** A named evaluator: the name is the name of the score it writes. */
export interface EvaluatorDefinition {
  name: string;
  description: string;
  config: EvaluatorConfig;
}

export const evaluatorName = nameSchema(100);

export function scoreKind(config: EvaluatorConfig): 'binary' | 'continuous' {
  if (config.type === 'llm_judge') return 'continuous';
  if (config.type === 'numeric') return config.tolerance > 0 ? 'continuous' : 'binary';
  return 'binary';
}

/** Whether an evaluator compares with an expected output (so it cannot score live traffic, which has none). */
export function needsExpected(config: EvaluatorConfig): boolean {
  return config.type === 'exact_match' || config.type === 'json_field' || config.type === 'numeric';
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
