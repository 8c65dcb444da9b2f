import { z } from 'zod';
import { versionNumber } from '../registry/names.js';

/**
 * Targeting rules of one prompt in one environment: an ordered list, evaluated by resolve before any percentage
 * split (canary, ramp, A/B test); the first rule that matches decides the version and the caller's arm is
 * `rule:<name>`. A rule matches when every condition holds (none: everyone) and, with `percent`, when the caller's
 * key falls in that share of the segment (sticky per key; without a key, at random with that probability).
 * Conditions look at the resolve key (`attribute: "key"`) or at attributes the runtime sends (`attr.<name>=`).
 */
export const MAX_RULES = 50;
export const MAX_CONDITIONS = 10;
export const MAX_LIST_VALUES = 500;
export const MAX_VALUE_CHARS = 256;
export const RULE_NAME_MAX = 64;
/** Attribute names, as in `attr.<name>=` on resolve. */
export const ATTRIBUTE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
/** The condition subject that means the resolve key rather than an attribute. */
export const KEY_SUBJECT = 'key';

const value = z.string().max(MAX_VALUE_CHARS, `must be at most ${MAX_VALUE_CHARS} characters`);
const attribute = z
  .string()
  .regex(ATTRIBUTE_NAME, 'must be "key" or an attribute name: letters, digits, "_", "." and "-", at most 64');

export const conditionSchema = z.discriminatedUnion(
  'op',
  [
    z.strictObject({ attribute, op: z.literal('equals'), value }),
    z.strictObject({
      attribute,
      op: z.literal('in'),
      values: z
        .array(value)
        .min(1, 'must hold at least one value')
        .max(MAX_LIST_VALUES, `must hold at most ${MAX_LIST_VALUES} values`),
    }),
    z.strictObject({ attribute, op: z.literal('prefix'), value: value.min(1, 'must not be empty') }),
  ],
  'op must be one of equals, in, prefix',
);

export const ruleSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/, 'may contain only lower-case letters, digits, ".", "_" and "-"')
    .max(RULE_NAME_MAX, `must be at most ${RULE_NAME_MAX} characters`),
  description: z.string().max(500, 'must be at most 500 characters').default(''),
  when: z.array(conditionSchema).max(MAX_CONDITIONS, `must hold at most ${MAX_CONDITIONS} conditions`).default([]),
  version: versionNumber,
  /** Share of the matching callers sent to `version` (sticky per key); default all of them. */
  percent: z.number().gt(0, 'must be greater than 0').max(100, 'must be at most 100').default(100),
});

export const rulesSchema = z
  .array(ruleSchema)
  .max(MAX_RULES, `must hold at most ${MAX_RULES} rules`)
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((rule, i) => {
      if (seen.has(rule.name)) {
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${rule.name}" is used by an earlier rule` });
      }
      seen.add(rule.name);
    });
  });

export type Condition = z.infer<typeof conditionSchema>;
export type TargetingRule = z.infer<typeof ruleSchema>;

/** One condition for people: `plan in [pro, enterprise]`, `key starts with "acme-"`. */
export function describeCondition(c: Condition): string {
  const subject = c.attribute === KEY_SUBJECT ? 'key' : `attr.${c.attribute}`;
  if (c.op === 'equals') return `${subject} = ${JSON.stringify(c.value)}`;
  if (c.op === 'prefix') return `${subject} starts with ${JSON.stringify(c.value)}`;
  const shown = c.values.slice(0, 5).map((v) => JSON.stringify(v));
  return `${subject} in [${shown.join(', ')}${c.values.length > 5 ? `, … ${c.values.length - 5} more` : ''}]`;
}

/** The whole rule for people: `plan in ["pro"] and region = "eu" → v3, 25% of the segment`. */
export function describeRule(rule: TargetingRule): string {
  const when = rule.when.length === 0 ? 'everyone' : rule.when.map(describeCondition).join(' and ');
  return `${when} → v${rule.version}${rule.percent < 100 ? `, ${rule.percent}% of the segment` : ''}`;
}
