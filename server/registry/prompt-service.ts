import { randomUUID } from 'node:crypto';
import { conflict, notFound } from '../http/errors.js';
import type { Store } from '../store/store.js';
import { nowIso, timeAfter } from './clock.js';
import { locks } from './keyed-mutex.js';
import { findPrompt, insertPrompt, type Prompt } from './prompt-queries.js';
import { contentHash, type Snapshot } from './version-snapshot.js';
import {
  findVersion,
  insertVersion,
  latestVersion,
  versionOf,
  type PromptVersion,
  type VersionIdentity,
} from './version-queries.js';

export async function createPrompt(
  store: Store,
  name: string,
  fields: { description: string; tags: string[] },
  actor: string,
): Promise<Prompt> {
  return locks.prompt.run(name, async () => {
    if (await findPrompt(store, name)) throw conflict(`prompt "${name}" already exists`);
    const now = nowIso();
    const prompt: Prompt = { id: name, name, ...fields, createdAt: now, createdBy: actor, updatedAt: now };
    await insertPrompt(store, prompt);
    return prompt;
  });
}

/** Changes a prompt's description and/or tags (its versions are immutable; these are labels). */
export async function updatePrompt(
  store: Store,
  name: string,
  changes: { description?: string | undefined; tags?: string[] | undefined },
): Promise<Prompt> {
  return locks.prompt.run(name, async () => {
    const prompt = await requirePrompt(store, name, 'name');
    const updated: Prompt = {
      ...prompt,
      description: changes.description ?? prompt.description,
      tags: changes.tags ?? prompt.tags,
      updatedAt: timeAfter(prompt.updatedAt),
    };
    await insertPrompt(store, updated);
    return updated;
  });
}

export async function requirePrompt(store: Store, name: string, field = 'prompt'): Promise<Prompt> {
  const prompt = await findPrompt(store, name);
  if (!prompt) throw notFound(`${field}: prompt "${name}" does not exist`, field);
  return prompt;
}

export async function requireVersion(
  store: Store,
  prompt: string,
  version: number,
  field = 'version',
): Promise<PromptVersion> {
  const found = await findVersion(store, prompt, version);
  if (!found) throw notFound(`${field}: prompt "${prompt}" has no version ${version}`, field);
  return found;
}

export interface NewVersion {
  snapshot: Snapshot;
  commitMessage: string;
  author: string;
}

/**
 * Appends a version with the next number. When its content equals the latest version's, that version is returned
 * instead (`created: false`). Numbering is serialised per prompt, so concurrent creates never share a number.
 */
export async function createVersion(
  store: Store,
  prompt: string,
  input: NewVersion,
): Promise<{ version: PromptVersion; created: boolean }> {
  await requirePrompt(store, prompt, 'name');
  return locks.prompt.run(prompt, async () => {
    const latest = await latestVersion(store, prompt);
    const hash = contentHash(input.snapshot);
    if (latest?.contentHash === hash) return { version: latest, created: false };
    const identity: VersionIdentity = {
      id: randomUUID(),
      prompt,
      version: (latest?.version ?? 0) + 1,
      contentHash: hash,
      commitMessage: input.commitMessage,
      author: input.author,
      createdAt: timeAfter(latest?.createdAt),
    };
    await insertVersion(store, identity, input.snapshot);
    return { version: versionOf(identity, input.snapshot), created: true };
  });
}
