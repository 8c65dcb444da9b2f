import { abVariant } from '../ab-tests/ab-assignment.js';
import type { AbTest } from '../ab-tests/ab-test-events.js';
import { matchRules, type Caller } from '../targeting/match-rules.js';
import type { RuleRevision } from '../targeting/rule-revisions.js';
import { KEY_SUBJECT } from '../targeting/rules.js';
import { chooseArm } from './canary-assignment.js';
import type { LaneState } from './environment-state.js';

/**
 * Which version one caller gets from a lane, and why (pure). In order, the first that applies:
 *   1. targeting rules — the first rule that matches the key and attributes (`rule:<name>`);
 *   2. a running A/B test — the caller's version when its key falls in the test's share (`test:<name>`);
 *   3. a canary or ramp — the candidate for the key's share (`canary`);
 *   4. the stable version (`stable`).
 */
export type Arm = 'stable' | 'canary' | `rule:${string}` | `test:${string}`;

export interface ArmChoice {
  arm: Arm;
  version: number;
  /** The deployment event, rule revision or A/B test that put this version here for this arm. */
  deploymentId: string;
  /** Why, in words: `rule "internal": attr.plan = "internal" → v3`. */
  why: string;
}

export interface LaneServingView {
  state: LaneState & { stableVersion: number; stableDeploymentId: string };
  rules: RuleRevision | null;
  test: AbTest | null;
}

export function chooseServing(
  lane: { prompt: string; environment: string },
  serving: LaneServingView,
  caller: Caller,
  random: () => number = Math.random,
): ArmChoice {
  const { state, rules, test } = serving;
  const match = rules ? matchRules(rules.rules, lane, caller, random) : null;
  if (rules && match) {
    return {
      arm: `rule:${match.rule.name}`,
      version: match.rule.version,
      deploymentId: rules.id,
      why: match.explanation,
    };
  }
  if (test) {
    const variant = abVariant({ id: test.id, ...test.definition }, caller.key, random);
    if (variant !== null) {
      const versions = test.definition.versions.map((v) => `v${v}`).join(', ');
      return {
        arm: `test:${test.name}`,
        version: variant,
        deploymentId: test.id,
        why: `A/B test "${test.name}": v${variant} of ${versions} (${caller.key === undefined ? 'at random: no key' : 'by key'})`,
      };
    }
  }
  const canary = state.canary;
  const stable = { version: state.stableVersion, deploymentId: state.stableDeploymentId };
  const noRule = rules ? 'no targeting rule matched; ' : '';
  if (!canary) return { arm: 'stable', ...stable, why: `${noRule}the stable version` };
  const what = canary.ramp ? `ramp step ${canary.ramp.step + 1} of ${canary.ramp.strategy.steps.length}` : 'canary';
  const how = caller.key === undefined ? 'at random: no key' : 'by key';
  if (chooseArm(canary, lane, caller.key, random) === 'canary') {
    return {
      arm: 'canary',
      version: canary.version,
      deploymentId: canary.deploymentId,
      why: `${noRule}${what}: v${canary.version} for ${canary.percent}% of callers (${how})`,
    };
  }
  return {
    arm: 'stable',
    ...stable,
    why: `${noRule}${what}: outside its ${canary.percent}% (${how}), the stable version`,
  };
}

/** Whether answers depend on the caller, and on which attributes, so a client knows what to ask per caller. */
export function variesBy(serving: LaneServingView): { key: boolean; attributes: string[] } {
  const conditions = serving.rules?.rules.flatMap((r) => r.when) ?? [];
  const partial = serving.rules?.rules.some((r) => r.percent < 100) ?? false;
  const key =
    serving.state.canary !== null ||
    serving.test !== null ||
    partial ||
    conditions.some((c) => c.attribute === KEY_SUBJECT);
  const attributes = [...new Set(conditions.map((c) => c.attribute).filter((a) => a !== KEY_SUBJECT))].sort();
  return { key, attributes };
}
