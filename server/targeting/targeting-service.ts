import { randomUUID } from 'node:crypto';
import type { Actor } from '../http/auth.js';
import { conflict } from '../http/errors.js';
import { timeAfter } from '../registry/clock.js';
import { requireEnvironment } from '../registry/environment-service.js';
import { laneKey, locks } from '../registry/keyed-mutex.js';
import { requirePrompt, requireVersion } from '../registry/prompt-service.js';
import { publish, type RegistryDeps } from '../registry/registry-deps.js';
import { currentRevision, insertRevision, type RuleRevision } from './rule-revisions.js';
import type { TargetingRule } from './rules.js';
import { requireServedBefore } from './served-before.js';

export interface SetRulesInput {
  prompt: string;
  environment: string;
  rules: TargetingRule[];
  reason: string;
  /** The revision the caller last saw (0: none yet); stale → 409 with the current revision. */
  expectedRevision?: number;
  actor: Actor;
}

export interface RulesWrite {
  revision: RuleRevision;
  created: boolean;
}

/** The empty rule list of a lane that never had rules. */
export const noRules = (prompt: string, environment: string): RuleRevision => ({
  id: '',
  prompt,
  environment,
  revision: 0,
  rules: [],
  actor: '',
  reason: '',
  time: new Date(0).toISOString(),
});

/**
 * Replaces a lane's targeting rules with a new revision (the same list again records nothing), under the lane's
 * lock like deployments, and publishes `targeting.updated` so runtimes re-resolve at once. Every rule's version must
 * exist. In a protected environment a rule may send traffic only to versions that have served there, unless an admin
 * sets it: like a deploy, a version new to the environment needs a review.
 */
export async function setRules(deps: RegistryDeps, input: SetRulesInput): Promise<RulesWrite> {
  await requirePrompt(deps.store, input.prompt, 'name');
  const env = await requireEnvironment(deps.store, input.environment);
  for (const [i, rule] of input.rules.entries()) {
    await requireVersion(deps.store, input.prompt, rule.version, `rules.${i}.version`);
  }
  return locks.lane.run(laneKey(input.prompt, input.environment), async () => {
    const current =
      (await currentRevision(deps.store, input.prompt, input.environment)) ?? noRules(input.prompt, input.environment);
    if (input.expectedRevision !== undefined && input.expectedRevision !== current.revision) {
      throw conflict(
        `expectedRevision: the rules are at revision ${current.revision}; re-read and retry`,
        'expectedRevision',
        { current },
      );
    }
    if (JSON.stringify(current.rules) === JSON.stringify(input.rules)) return { revision: current, created: false };
    const targets = input.rules.map((r, i) => ({
      version: r.version,
      what: `rule "${r.name}"`,
      field: `rules.${i}.version`,
    }));
    await requireServedBefore(deps.store, { prompt: input.prompt, environment: env, actor: input.actor }, targets);
    const revision: RuleRevision = {
      id: randomUUID(),
      prompt: input.prompt,
      environment: input.environment,
      revision: current.revision + 1,
      rules: input.rules,
      actor: input.actor.name,
      reason: input.reason,
      time: timeAfter(current.revision > 0 ? current.time : null),
    };
    await insertRevision(deps.store, revision);
    publish(deps, 'targeting.updated', {
      prompt: revision.prompt,
      environment: revision.environment,
      revision: revision.revision,
      rules: revision.rules.length,
      actor: revision.actor,
      reason: revision.reason,
    });
    return { revision, created: true };
  });
}
