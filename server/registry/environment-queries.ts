import type { Store } from '../store/store.js';
import { policiesFromJson, type Policies } from './environment-policies.js';

/** An environment (release lane). `id` is the name (environments are addressed by name). */
export interface Environment {
  id: string;
  name: string;
  order: number;
  primary: boolean;
  /** Deploys by a `deployer` key become review requests; rollbacks stay immediate. */
  protected: boolean;
  policies: Policies;
  updatedAt: string;
}

interface EnvironmentRow {
  name: string;
  display_order: number;
  is_primary: number;
  protected: number;
  policies: string;
  updated_at: string;
}

const fromRow = (row: EnvironmentRow): Environment => ({
  id: row.name,
  name: row.name,
  order: row.display_order,
  primary: row.is_primary === 1,
  protected: row.protected === 1,
  policies: policiesFromJson(row.policies),
  updatedAt: row.updated_at,
});

const toRow = (env: Environment): EnvironmentRow => ({
  name: env.name,
  display_order: env.order,
  is_primary: env.primary ? 1 : 0,
  protected: env.protected ? 1 : 0,
  policies: JSON.stringify(env.policies),
  updated_at: env.updatedAt,
});

/** Every environment, in display order. */
export async function listEnvironments(store: Store): Promise<Environment[]> {
  const rows = await store.query<EnvironmentRow>(
    `SELECT name, display_order, is_primary, protected, policies, updated_at FROM environments FINAL
     ORDER BY display_order, name`,
  );
  return rows.map(fromRow);
}

export async function findEnvironment(store: Store, name: string): Promise<Environment | undefined> {
  const rows = await store.query<EnvironmentRow>(
    `SELECT name, display_order, is_primary, protected, policies, updated_at FROM environments FINAL
     WHERE name = {name:String}`,
    { name },
  );
  return rows[0] && fromRow(rows[0]);
}

/** Writes new rows; the newest `updatedAt` per name wins. */
export async function writeEnvironments(store: Store, envs: readonly Environment[]): Promise<void> {
  await store.insert('environments', envs.map(toRow));
}
