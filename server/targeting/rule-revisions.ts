import type { Store } from '../store/store.js';
import type { TargetingRule } from './rules.js';

/** One revision of a lane's targeting rules (`targeting_rules`, append-only): the list in effect from `time` on. */
export interface RuleRevision {
  id: string;
  prompt: string;
  environment: string;
  /** 1, 2, …; 0 for a lane that never had rules. */
  revision: number;
  rules: TargetingRule[];
  actor: string;
  reason: string;
  time: string;
}

interface RevisionRow {
  id: string;
  prompt: string;
  environment: string;
  revision: number;
  rules: string;
  actor: string;
  reason: string;
  time: string;
}

const COLUMNS = 'id, prompt, environment, revision, rules, actor, reason, time';
const fromRow = (row: RevisionRow): RuleRevision => ({ ...row, rules: JSON.parse(row.rules) as TargetingRule[] });

export async function insertRevision(store: Store, revision: RuleRevision): Promise<void> {
  await store.insert('targeting_rules', [{ ...revision, rules: JSON.stringify(revision.rules) }]);
}

/** The revision in effect for a lane, or null when it never had rules. */
export async function currentRevision(store: Store, prompt: string, environment: string): Promise<RuleRevision | null> {
  const rows = await store.query<RevisionRow>(
    `SELECT ${COLUMNS} FROM targeting_rules WHERE prompt = {prompt:String} AND environment = {environment:String}
     ORDER BY revision DESC LIMIT 1`,
    { prompt, environment },
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/** A lane's revisions, newest first (the audit trail). */
export async function listRevisions(
  store: Store,
  prompt: string,
  environment: string,
  limit: number,
): Promise<RuleRevision[]> {
  const rows = await store.query<RevisionRow>(
    `SELECT ${COLUMNS} FROM targeting_rules WHERE prompt = {prompt:String} AND environment = {environment:String}
     ORDER BY revision DESC LIMIT {limit:UInt32}`,
    { prompt, environment, limit },
  );
  return rows.map(fromRow);
}
