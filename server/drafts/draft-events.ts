import type { Store } from '../store/store.js';
import type { DraftSnapshot } from '../registry/version-snapshot.js';

/**
 * The append-only history of drafts (`prompt_draft_events`): every autosave, discard and publish is a row numbered
 * per prompt and author by `revision`. A draft exists while its newest row is a `save`. Nothing here updates or
 * deletes.
 */
export type DraftEventKind = 'save' | 'discard' | 'publish';

/** Who edits a draft of which prompt, since when: what others see as "being edited by …". */
export interface DraftSummary {
  prompt: string;
  author: string;
  /** Increases with every save; send it back as `revision` so a save never overwrites one you have not seen. */
  revision: number;
  /** The version the draft started from, or null for a first version. */
  baseVersion: number | null;
  updatedAt: string;
}

/** A draft: its identity, the commit message being written, and the snapshot fields (possibly incomplete). */
export interface Draft extends DraftSummary, DraftSnapshot {
  commitMessage: string;
}

export interface DraftEvent {
  prompt: string;
  author: string;
  revision: number;
  kind: DraftEventKind;
  /** The snapshot fields (save, publish); null for a discard. */
  content: DraftSnapshot | null;
  commitMessage: string;
  baseVersion: number | null;
  publishedVersion: number | null;
  time: string;
}

interface EventRow {
  prompt: string;
  author: string;
  revision: number;
  kind: string;
  content: string;
  commit_message: string;
  base_version: number;
  published_version: number;
  time: string;
}

const COLUMNS = 'prompt, author, revision, kind, content, commit_message, base_version, published_version, time';

const fromRow = (row: EventRow): DraftEvent => ({
  prompt: row.prompt,
  author: row.author,
  revision: row.revision,
  kind: row.kind as DraftEventKind,
  content: row.content === '' ? null : (JSON.parse(row.content) as DraftSnapshot),
  commitMessage: row.commit_message,
  baseVersion: row.base_version === 0 ? null : row.base_version,
  publishedVersion: row.published_version === 0 ? null : row.published_version,
  time: row.time,
});

/** The draft an event describes, when it is a save (the draft then exists). */
export function draftOf(event: DraftEvent | undefined): Draft | undefined {
  if (!event || event.kind !== 'save' || !event.content) return undefined;
  return {
    prompt: event.prompt,
    author: event.author,
    revision: event.revision,
    baseVersion: event.baseVersion,
    updatedAt: event.time,
    commitMessage: event.commitMessage,
    ...event.content,
  };
}

export async function appendDraftEvent(store: Store, event: DraftEvent): Promise<void> {
  const row: EventRow = {
    prompt: event.prompt,
    author: event.author,
    revision: event.revision,
    kind: event.kind,
    content: event.content === null ? '' : JSON.stringify(event.content),
    commit_message: event.commitMessage,
    base_version: event.baseVersion ?? 0,
    published_version: event.publishedVersion ?? 0,
    time: event.time,
  };
  await store.insert('prompt_draft_events', [row]);
}

/** The newest event of one prompt and author (whatever its kind), or undefined when there never was a draft. */
export async function latestDraftEvent(store: Store, prompt: string, author: string): Promise<DraftEvent | undefined> {
  const rows = await store.query<EventRow>(
    `SELECT ${COLUMNS} FROM prompt_draft_events WHERE prompt = {prompt:String} AND author = {author:String}
     ORDER BY revision DESC LIMIT 1`,
    { prompt, author },
  );
  return rows[0] && fromRow(rows[0]);
}

export interface DraftFilter {
  prompt?: string | undefined;
  author?: string | undefined;
  limit: number;
}

/** The drafts that exist (newest row a save), most recently saved first, without their content. */
export async function listDrafts(store: Store, filter: DraftFilter): Promise<DraftSummary[]> {
  const rows = await store.query<{
    prompt: string;
    author: string;
    latest_revision: number;
    base: number;
    updated_at: string;
  }>(
    `SELECT prompt, author, max(revision) AS latest_revision, argMax(kind, revision) AS latest_kind,
            argMax(base_version, revision) AS base, argMax(time, revision) AS updated_at
     FROM prompt_draft_events
     WHERE ({prompt:String} = '' OR prompt = {prompt:String}) AND ({author:String} = '' OR author = {author:String})
     GROUP BY prompt, author
     HAVING latest_kind = 'save'
     ORDER BY updated_at DESC, prompt, author
     LIMIT {limit:UInt32}`,
    { prompt: filter.prompt ?? '', author: filter.author ?? '', limit: filter.limit },
  );
  return rows.map((r) => ({
    prompt: r.prompt,
    author: r.author,
    revision: r.latest_revision,
    baseVersion: r.base === 0 ? null : r.base,
    updatedAt: r.updated_at,
  }));
}
