import { badRequest, conflict, notFound } from '../http/errors.js';
import type { Store } from '../store/store.js';
import { timeAfter } from './clock.js';
import { recordEnvironmentChanges } from './environment-audit.js';
import { DEFAULT_ENVIRONMENTS, DEFAULT_POLICIES, mergePolicies, type PoliciesPatch } from './environment-policies.js';
import { findEnvironment, listEnvironments, writeEnvironments, type Environment } from './environment-queries.js';
import { locks } from './keyed-mutex.js';

/** The actor recorded for what Tracelane does by itself (the default environments). */
export const SYSTEM_ACTOR = 'tracelane';

/** Creates the default environments that do not exist yet; run at every start-up. Returns the names created. */
export async function ensureDefaultEnvironments(store: Store): Promise<string[]> {
  return locks.environments.run('all', async () => {
    const existing = await listEnvironments(store);
    const names = new Set(existing.map((e) => e.name));
    const hasPrimary = existing.some((e) => e.primary);
    const missing = DEFAULT_ENVIRONMENTS.filter((d) => !names.has(d.name)).map((d): Environment => ({
      id: d.name,
      name: d.name,
      order: d.order,
      primary: d.primary && !hasPrimary,
      protected: false,
      policies: d.policies,
      updatedAt: timeAfter(null),
    }));
    if (missing.length > 0)
      await write(
        store,
        SYSTEM_ACTOR,
        missing.map((after) => ({ before: null, after })),
      );
    return missing.map((e) => e.name);
  });
}

export async function requireEnvironment(store: Store, name: string, field = 'environment'): Promise<Environment> {
  const env = await findEnvironment(store, name);
  if (!env) throw notFound(`${field}: environment "${name}" does not exist`, field);
  return env;
}

export interface EnvironmentChanges {
  order?: number;
  primary?: boolean;
  protected?: boolean;
  policies?: PoliciesPatch;
}

export async function createEnvironment(
  store: Store,
  name: string,
  changes: EnvironmentChanges,
  actor: string,
): Promise<Environment> {
  return locks.environments.run('all', async () => {
    const existing = await listEnvironments(store);
    if (existing.some((e) => e.name === name)) throw conflict(`environment "${name}" already exists`);
    const created: Environment = {
      id: name,
      name,
      order: changes.order ?? Math.max(-1, ...existing.map((e) => e.order)) + 1,
      primary: changes.primary ?? false,
      protected: changes.protected ?? false,
      policies: mergePolicies(DEFAULT_POLICIES, changes.policies),
      updatedAt: timeAfter(null),
    };
    await write(store, actor, [{ before: null, after: created }, ...demotedPrimaries(existing, created)]);
    return created;
  });
}

/** Changes order, protection, policies or makes the environment primary (the previous primary stops being it). */
export async function updateEnvironment(
  store: Store,
  name: string,
  changes: EnvironmentChanges,
  actor: string,
): Promise<Environment> {
  return locks.environments.run('all', async () => {
    const existing = await listEnvironments(store);
    const current = existing.find((e) => e.name === name);
    if (!current) throw notFound(`environment "${name}" does not exist`, 'name');
    if (changes.primary === false && current.primary) {
      throw badRequest(
        'primary: make another environment primary instead; one environment is always primary',
        'primary',
      );
    }
    const updated: Environment = {
      ...current,
      order: changes.order ?? current.order,
      primary: changes.primary ?? current.primary,
      protected: changes.protected ?? current.protected,
      policies: mergePolicies(current.policies, changes.policies),
      updatedAt: timeAfter(current.updatedAt),
    };
    await write(store, actor, [{ before: current, after: updated }, ...demotedPrimaries(existing, updated)]);
    return updated;
  });
}

function demotedPrimaries(existing: readonly Environment[], changed: Environment): Change[] {
  if (!changed.primary) return [];
  return existing
    .filter((e) => e.primary && e.name !== changed.name)
    .map((e) => ({ before: e, after: { ...e, primary: false, updatedAt: timeAfter(e.updatedAt) } }));
}

type Change = { before: Environment | null; after: Environment };

/** Writes the new states, and an audit entry for each environment whose settings changed. */
async function write(store: Store, actor: string, changes: readonly Change[]): Promise<void> {
  await writeEnvironments(
    store,
    changes.map((c) => c.after),
  );
  await recordEnvironmentChanges(store, actor, changes);
}
