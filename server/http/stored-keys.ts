import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';
import type { Actor, Role } from './auth.js';

/**
 * API keys managed through `/api/v1/keys`, stored in the `api_keys` table. Only the SHA-256 of a secret is stored;
 * the secret itself is returned once, at creation. Revocation writes a newer row (latest row per id wins).
 */
export interface StoredKey {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

interface KeyRow {
  id: string;
  name: string;
  role: string;
  secret_sha256: string;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
  revoked_by: string;
  updated_at: string;
}

const COLUMNS = 'id, name, role, secret_sha256, created_at, created_by, revoked_at, revoked_by, updated_at';

const fromRow = (row: KeyRow): StoredKey => ({
  id: row.id,
  name: row.name,
  role: row.role as Role,
  createdAt: row.created_at,
  createdBy: row.created_by,
  revokedAt: row.revoked_at,
  revokedBy: row.revoked_at === null ? null : row.revoked_by,
});

export const secretSha256 = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** What createStoredKey makes: `tl_` and 43 base64url characters (32 random bytes). */
export const STORED_KEY_SHAPE = /^tl_[A-Za-z0-9_-]{43}$/;

/** The actor of the active stored key whose secret has this SHA-256 (hex), if any (a point lookup). */
export async function findStoredKey(store: Store, hash: string): Promise<Actor | undefined> {
  const rows = await store.query<{ name: string; role: string }>(
    `SELECT name, role FROM api_keys FINAL WHERE secret_sha256 = {hash:String} AND revoked_at IS NULL LIMIT 1`,
    { hash },
  );
  return rows[0] && { name: rows[0].name, role: rows[0].role as Role };
}

/** Every stored key (active first, then revoked), newest first. */
export async function listStoredKeys(store: Store): Promise<StoredKey[]> {
  const rows = await store.query<KeyRow>(
    `SELECT ${COLUMNS} FROM api_keys FINAL ORDER BY revoked_at IS NOT NULL, created_at DESC, id`,
  );
  return rows.map(fromRow);
}

/** Creates a key; returns it with its secret (`tl_` + 43 base64url characters), which is never shown again. */
export async function createStoredKey(
  store: Store,
  input: { name: string; role: Role; createdBy: string },
): Promise<StoredKey & { secret: string }> {
  const secret = 'tl_' + randomBytes(32).toString('base64url');
  const now = new Date().toISOString();
  const key: StoredKey = { id: randomUUID(), ...input, createdAt: now, revokedAt: null, revokedBy: null };
  await store.insert('api_keys', [toRow(key, secretSha256(secret), now)]);
  return { ...key, secret };
}

/** Revokes a key (idempotent); returns it, or undefined when no key has this id. */
export async function revokeStoredKey(store: Store, id: string, revokedBy: string): Promise<StoredKey | undefined> {
  const rows = await store.query<KeyRow>(`SELECT ${COLUMNS} FROM api_keys FINAL WHERE id = {id:String}`, { id });
  const row = rows[0];
  if (!row) return undefined;
  if (row.revoked_at !== null) return fromRow(row);
  const now = new Date(Math.max(Date.now(), Date.parse(row.updated_at) + 1)).toISOString();
  const revoked: StoredKey = { ...fromRow(row), revokedAt: now, revokedBy };
  await store.insert('api_keys', [toRow(revoked, row.secret_sha256, now)]);
  return revoked;
}

function toRow(key: StoredKey, hash: string, updatedAt: string): KeyRow {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    secret_sha256: hash,
    created_at: key.createdAt,
    created_by: key.createdBy,
    revoked_at: key.revokedAt,
    revoked_by: key.revokedBy ?? '',
    updated_at: updatedAt,
  };
}
