import type { Store } from '../store/store.js';
import type { Snapshot } from './version-snapshot.js';

/** A version: its snapshot fields at the top level, beside its identity and provenance. Never modified. */
export interface PromptVersion extends Snapshot {
  id: string;
  prompt: string;
  version: number;
  contentHash: string;
  commitMessage: string;
  author: string;
  createdAt: string;
}

interface VersionRow {
  prompt: string;
  version: number;
  id: string;
  snapshot: string;
  content_hash: string;
  commit_message: string;
  author: string;
  created_at: string;
}

const COLUMNS = 'prompt, version, id, snapshot, content_hash, commit_message, author, created_at';

export type VersionIdentity = Omit<PromptVersion, keyof Snapshot>;

/** The one place a version's JSON is assembled: identity and provenance first, then the snapshot as stored. */
export const versionOf = (identity: VersionIdentity, snapshot: Snapshot): PromptVersion => ({
  ...identity,
  ...snapshot,
});

const fromRow = (row: VersionRow): PromptVersion =>
  versionOf(
    {
      id: row.id,
      prompt: row.prompt,
      version: row.version,
      contentHash: row.content_hash,
      commitMessage: row.commit_message,
      author: row.author,
      createdAt: row.created_at,
    },
    JSON.parse(row.snapshot) as Snapshot,
  );

export async function findVersion(store: Store, prompt: string, version: number): Promise<PromptVersion | undefined> {
  const rows = await store.query<VersionRow>(
    `SELECT ${COLUMNS} FROM prompt_versions FINAL WHERE prompt = {prompt:String} AND version = {version:UInt32}`,
    { prompt, version },
  );
  return rows[0] && fromRow(rows[0]);
}

export async function latestVersion(store: Store, prompt: string): Promise<PromptVersion | undefined> {
  const rows = await store.query<VersionRow>(
    `SELECT ${COLUMNS} FROM prompt_versions FINAL WHERE prompt = {prompt:String} ORDER BY version DESC LIMIT 1`,
    { prompt },
  );
  return rows[0] && fromRow(rows[0]);
}

/** Versions of a prompt, newest first. */
export async function listVersions(
  store: Store,
  prompt: string,
  page: { limit: number; offset: number },
): Promise<PromptVersion[]> {
  const rows = await store.query<VersionRow>(
    `SELECT ${COLUMNS} FROM prompt_versions FINAL WHERE prompt = {prompt:String}
     ORDER BY version DESC LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
    { prompt, ...page },
  );
  return rows.map(fromRow);
}

/** The highest version number of each prompt that has versions. */
export async function latestVersionNumbers(store: Store, prompts: readonly string[]): Promise<Map<string, number>> {
  if (prompts.length === 0) return new Map();
  const rows = await store.query<{ prompt: string; latest: number }>(
    `SELECT prompt, max(version) AS latest FROM prompt_versions WHERE prompt IN {prompts:Array(String)} GROUP BY prompt`,
    { prompts },
  );
  return new Map(rows.map((r) => [r.prompt, r.latest]));
}

/** Stores a version; `snapshot` is kept as given (key order preserved) — the content hash is over canonical JSON. */
export async function insertVersion(store: Store, identity: VersionIdentity, snapshot: Snapshot): Promise<void> {
  await store.insert('prompt_versions', [
    {
      prompt: identity.prompt,
      version: identity.version,
      id: identity.id,
      snapshot: JSON.stringify(snapshot),
      content_hash: identity.contentHash,
      commit_message: identity.commitMessage,
      author: identity.author,
      created_at: identity.createdAt,
    },
  ]);
}
