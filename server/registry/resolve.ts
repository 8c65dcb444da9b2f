import { createHash } from 'node:crypto';
import { notFound } from '../http/errors.js';
import type { Store } from '../store/store.js';
import { chooseArm, type Arm } from './canary-assignment.js';
import { requireEnvironment } from './environment-service.js';
import { requirePrompt } from './prompt-service.js';
import type { ResolveCache } from './resolve-cache.js';
import type { PromptVersion } from './version-queries.js';

/** What a runtime gets from `GET /api/v1/prompts/{name}/resolve`: the version to use and its full snapshot. */
export interface Resolution {
  prompt: string;
  environment: string;
  /** Which arm this caller was assigned: `canary` only while a canary is in progress. */
  arm: Arm;
  /** The version number to use. */
  version: number;
  /** The deployment event that put this version live for this arm. */
  deploymentId: string;
  stableVersion: number;
  canary: { version: number; percent: number; deploymentId: string } | null;
  /** The full version (snapshot fields, id, content hash, commit message, author, created time). */
  snapshot: PromptVersion;
}

/** Resolves from the cache; only when nothing is deployed does it look up which of prompt and environment is missing. */
export async function resolvePrompt(
  store: Store,
  cache: ResolveCache,
  input: { prompt: string; environment: string; key?: string },
): Promise<Resolution> {
  const state = await cache.lane(input.prompt, input.environment);
  if (state.stableVersion === null || state.stableDeploymentId === null) {
    await requirePrompt(store, input.prompt, 'name');
    await requireEnvironment(store, input.environment);
    throw notFound(
      `environment: prompt "${input.prompt}" has no version deployed in "${input.environment}"`,
      'environment',
    );
  }
  const canary = state.canary;
  const arm = canary ? chooseArm(canary, input, input.key) : 'stable';
  const version = arm === 'canary' && canary ? canary.version : state.stableVersion;
  return {
    prompt: input.prompt,
    environment: input.environment,
    arm,
    version,
    deploymentId: arm === 'canary' && canary ? canary.deploymentId : state.stableDeploymentId,
    stableVersion: state.stableVersion,
    canary: canary && { version: canary.version, percent: canary.percent, deploymentId: canary.deploymentId },
    snapshot: await versionOrFail(cache, input.prompt, version),
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
