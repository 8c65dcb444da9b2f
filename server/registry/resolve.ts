import { createHash } from 'node:crypto';
import { notFound } from '../http/errors.js';
import type { Store } from '../store/store.js';
import type { Caller } from '../targeting/match-rules.js';
import { chooseServing, variesBy, type Arm } from './arm-choice.js';
import { requireEnvironment } from './environment-service.js';
import { requirePrompt } from './prompt-service.js';
import type { ResolveCache } from './resolve-cache.js';
import type { PromptVersion } from './version-queries.js';

/** What a runtime gets from `GET /api/v1/prompts/{name}/resolve`: the version to use and its full snapshot. */
export interface Resolution {
  prompt: string;
  environment: string;
  /**
   * Where this caller's version comes from: `stable`, `canary` (a canary or ramp in progress), `rule:<name>` (a
   * targeting rule) or `test:<name>` (an A/B test). Runtime clients tag their spans with it.
   */
  arm: Arm;
  /** Why this caller gets this version, in words. */
  why: string;
  /** The version number to use. */
  version: number;
  /** The deployment event that put this version live for this arm. */
  deploymentId: string;
  stableVersion: number;
  canary: { version: number; percent: number; deploymentId: string } | null;
  /** Targeting rules in effect (null: none): their revision. */
  targeting: { revision: number; rules: number } | null;
  /** The A/B test running in the lane (null: none). */
  test: { id: string; name: string; versions: number[]; percent: number } | null;
  /** What answers depend on: the key, and these request attributes. Clients ask again per distinct caller. */
  variesBy: { key: boolean; attributes: string[] };
  /** The full version (snapshot fields, id, content hash, commit message, author, created time). */
  snapshot: PromptVersion;
}

/** Resolves from the cache; only when nothing is deployed does it look up which of prompt and environment is missing. */
export async function resolvePrompt(
  store: Store,
  cache: ResolveCache,
  input: { prompt: string; environment: string } & Caller,
): Promise<Resolution> {
  const serving = await cache.lane(input.prompt, input.environment);
  const { state, rules, test } = serving;
  if (state.stableVersion === null || state.stableDeploymentId === null) {
    await requirePrompt(store, input.prompt, 'name');
    await requireEnvironment(store, input.environment);
    throw notFound(
      `environment: prompt "${input.prompt}" has no version deployed in "${input.environment}"`,
      'environment',
    );
  }
  const live = {
    state: { ...state, stableVersion: state.stableVersion, stableDeploymentId: state.stableDeploymentId },
    rules,
    test,
  };
  const choice = chooseServing(input, live, input);
  const canary = state.canary;
  return {
    prompt: input.prompt,
    environment: input.environment,
    ...choice,
    stableVersion: state.stableVersion,
    canary: canary && { version: canary.version, percent: canary.percent, deploymentId: canary.deploymentId },
    targeting: rules && { revision: rules.revision, rules: rules.rules.length },
    test: test && {
      id: test.id,
      name: test.name,
      versions: test.definition.versions,
      percent: test.definition.percent,
    },
    variesBy: variesBy(live),
    snapshot: await versionOrFail(cache, input.prompt, choice.version),
  };
}

async function versionOrFail(cache: ResolveCache, prompt: string, version: number) {
  const found = await cache.version(prompt, version);
  if (!found) throw new Error(`deployed version ${version} of "${prompt}" is missing from prompt_versions`);
  return found;
}

/** A strong ETag over the response body: it changes exactly when what the runtime would receive changes. */
export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

/** True when an If-None-Match header value lists the ETag (or is `*`); weak validators compare by their tag. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}
