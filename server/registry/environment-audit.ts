import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';
import type { Environment } from './environment-queries.js';
import { canonicalJson } from './version-snapshot.js';

/**
 * The audit trail of environment settings (`environment_changes`, append-only): who changed which setting of an
 * environment, when, from what to what. Settings are compared leaf by leaf (`policies.canary.bakeMinutes`), so an
 * entry names exactly what changed.
 */
export interface FieldChange {
  /** Dotted path of the setting: `protected`, `policies.autoRollback`, `policies.detector.metrics.quality.warn`. */
  field: string;
  /** null when the setting did not exist before (creation, a new detector override). */
  from: unknown;
  /** null when the setting was removed. */
  to: unknown;
}

export interface EnvironmentChange {
  id: string;
  environment: string;
  time: string;
  actor: string;
  action: 'create' | 'update';
  changes: FieldChange[];
}

type Settings = Pick<Environment, 'order' | 'primary' | 'protected' | 'policies'>;
const settingsOf = (env: Environment): Settings => ({
  order: env.order,
  primary: env.primary,
  protected: env.protected,
  policies: env.policies,
});

/** The settings that differ between two states of an environment (`before` null: it is being created). */
export function fieldChanges(before: Environment | null, after: Environment): FieldChange[] {
  const a = before ? leaves(settingsOf(before)) : new Map<string, unknown>();
  const b = leaves(settingsOf(after));
  const fields = [...new Set([...a.keys(), ...b.keys()])];
  return fields
    .filter((field) => canonicalJson(a.get(field) ?? null) !== canonicalJson(b.get(field) ?? null))
    .map((field) => ({ field, from: a.get(field) ?? null, to: b.get(field) ?? null }));
}

function leaves(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) leaves(child, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

/** Records one entry per environment whose settings changed; returns the entries. */
export async function recordEnvironmentChanges(
  store: Store,
  actor: string,
  pairs: readonly { before: Environment | null; after: Environment }[],
): Promise<EnvironmentChange[]> {
  const entries = pairs.flatMap(({ before, after }): EnvironmentChange[] => {
    const changes = fieldChanges(before, after);
    if (changes.length === 0) return [];
    const action = before ? 'update' : 'create';
    return [{ id: randomUUID(), environment: after.name, time: after.updatedAt, actor, action, changes }];
  });
  if (entries.length > 0) {
    await store.insert(
      'environment_changes',
      entries.map((e) => ({ ...e, changes: JSON.stringify(e.changes) })),
    );
  }
  return entries;
}

/** An environment's audit trail, newest first. */
export async function listEnvironmentChanges(
  store: Store,
  environment: string,
  limit: number,
): Promise<EnvironmentChange[]> {
  const rows = await store.query<Omit<EnvironmentChange, 'changes'> & { changes: string }>(
    `SELECT id, environment, time, actor, action, changes FROM environment_changes
     WHERE environment = {environment:String} ORDER BY time DESC, id DESC LIMIT {limit:UInt32}`,
    { environment, limit },
  );
  return rows.map((r) => ({ ...r, changes: JSON.parse(r.changes) as FieldChange[] }));
}
