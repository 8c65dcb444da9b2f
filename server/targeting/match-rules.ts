import { createHash } from 'node:crypto';
import { describeRule, KEY_SUBJECT, type Condition, type TargetingRule } from './rules.js';

/**
 * Evaluates targeting rules for one caller (pure): the first rule whose conditions all hold and whose share of the
 * segment takes the caller. The share is sticky per key: a key's position for a rule depends only on the lane, the
 * rule's name and the key, so raising a rule's percentage keeps every key it already took. Without a key the share
 * is drawn at random.
 */
export interface Caller {
  key?: string | undefined;
  attributes: Readonly<Record<string, string>>;
}

export interface RuleMatch {
  rule: TargetingRule;
  /** Why it matched, for the resolve answer. */
  explanation: string;
}

/** The key's position in [0, 1) for one rule of one lane (SHA-256, first 52 bits). */
export function rulePosition(prompt: string, environment: string, rule: string, key: string): number {
  const digest = createHash('sha256')
    .update(`rule\u0000${prompt}\u0000${environment}\u0000${rule}\u0000${key}`)
    .digest();
  return Number(digest.readBigUInt64BE(0) >> 12n) / 2 ** 52;
}

function holds(condition: Condition, caller: Caller): boolean {
  const value = condition.attribute === KEY_SUBJECT ? caller.key : caller.attributes[condition.attribute];
  if (value === undefined) return false;
  if (condition.op === 'equals') return value === condition.value;
  if (condition.op === 'prefix') return value.startsWith(condition.value);
  return condition.values.includes(value);
}

export function matchRules(
  rules: readonly TargetingRule[],
  lane: { prompt: string; environment: string },
  caller: Caller,
  random: () => number = Math.random,
): RuleMatch | null {
  for (const rule of rules) {
    if (!rule.when.every((c) => holds(c, caller))) continue;
    if (rule.percent < 100) {
      const position =
        caller.key === undefined ? random() : rulePosition(lane.prompt, lane.environment, rule.name, caller.key);
      if (position >= rule.percent / 100) continue;
    }
    return { rule, explanation: `rule "${rule.name}": ${describeRule(rule)}` };
  }
  return null;
}
