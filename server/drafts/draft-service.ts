import { conflict, notFound } from '../http/errors.js';
import { parseBody } from '../http/validation.js';
import { timeAfter } from '../registry/clock.js';
import { KeyedMutex } from '../registry/keyed-mutex.js';
import { publish, type RegistryDeps } from '../registry/registry-deps.js';
import { createVersion, requirePrompt } from '../registry/prompt-service.js';
import type { PromptVersion } from '../registry/version-queries.js';
import { snapshotSchema, type DraftSnapshot } from '../registry/version-snapshot.js';
import type { Store } from '../store/store.js';
import { appendDraftEvent, draftOf, latestDraftEvent, type Draft, type DraftEvent } from './draft-events.js';

/**
 * Drafts: one per prompt and author, saved as the author types. Every write reads the newest event and appends
 * the next revision under a per-draft lock (in-process, like the registry's locks). A caller that sends the
 * revision it last saw (`expectedRevision`, 0 for "no draft") gets a 409 instead of overwriting a save made
 * elsewhere (another tab) or a draft already published or discarded. Every write is announced
 * (`draft.saved`, `draft.discarded`, `draft.published`) so pages show who edits what without a reload.
 */
const draftLocks = new KeyedMutex();
const draftKey = (prompt: string, author: string) => `${prompt}\u0000${author}`;

export interface DraftIdentity {
  prompt: string;
  author: string;
}

async function withDraft<T>(store: Store, id: DraftIdentity, work: (latest?: DraftEvent) => Promise<T>): Promise<T> {
  await requirePrompt(store, id.prompt, 'name');
  return draftLocks.run(draftKey(id.prompt, id.author), async () =>
    work(await latestDraftEvent(store, id.prompt, id.author)),
  );
}

function checkRevision(latest: DraftEvent | undefined, expected: number | undefined): void {
  if (expected === undefined) return;
  const current = draftOf(latest);
  if ((current?.revision ?? 0) === expected) return;
  const now = current
    ? `it is at revision ${current.revision}, saved ${current.updatedAt}`
    : latest?.kind === 'publish'
      ? `it was saved as version ${latest.publishedVersion} at ${latest.time}`
      : 'there is no draft';
  throw conflict(`revision: the draft changed elsewhere (${now}); reload it`, 'revision', { current: current ?? null });
}

export async function requireDraft(store: Store, id: DraftIdentity, field = 'author'): Promise<Draft> {
  await requirePrompt(store, id.prompt, 'name');
  const draft = draftOf(await latestDraftEvent(store, id.prompt, id.author));
  if (!draft) throw notFound(`${field}: ${id.author} has no draft of "${id.prompt}"`, field);
  return draft;
}

export interface SaveDraftInput extends DraftIdentity {
  content: DraftSnapshot;
  commitMessage: string;
  /** Kept from the draft when omitted. */
  baseVersion?: number | null | undefined;
  expectedRevision?: number | undefined;
}

export async function saveDraft(deps: RegistryDeps, input: SaveDraftInput): Promise<Draft> {
  return withDraft(deps.store, input, async (latest) => {
    checkRevision(latest, input.expectedRevision);
    const previous = draftOf(latest);
    const event: DraftEvent = {
      prompt: input.prompt,
      author: input.author,
      revision: (latest?.revision ?? 0) + 1,
      kind: 'save',
      content: input.content,
      commitMessage: input.commitMessage,
      baseVersion: input.baseVersion === undefined ? (previous?.baseVersion ?? null) : input.baseVersion,
      publishedVersion: null,
      time: timeAfter(latest?.time),
    };
    await append(deps, event);
    return draftOf(event)!;
  });
}

export async function discardDraft(deps: RegistryDeps, id: DraftIdentity, expectedRevision?: number): Promise<void> {
  await withDraft(deps.store, id, async (latest) => {
    checkRevision(latest, expectedRevision);
    const draft = draftOf(latest);
    if (!draft) throw notFound(`author: ${id.author} has no draft of "${id.prompt}"`, 'author');
    await append(deps, closing(draft, 'discard', null, latest?.time));
  });
}

export interface PublishResult {
  version: PromptVersion;
  /** False when the draft's content equals the latest version, which is returned instead. */
  created: boolean;
}

/**
 * Saves the draft as an immutable version (or gets the latest version back when the content is the same) and
 * closes the draft. An incomplete draft is refused with a 400 naming the field; the draft then stays as it was.
 */
export async function publishDraft(
  deps: RegistryDeps,
  id: DraftIdentity & { commitMessage?: string | undefined; expectedRevision?: number | undefined },
): Promise<PublishResult> {
  return withDraft(deps.store, id, async (latest) => {
    checkRevision(latest, id.expectedRevision);
    const draft = draftOf(latest);
    if (!draft || !latest?.content) throw notFound(`author: ${id.author} has no draft of "${id.prompt}"`, 'author');
    const snapshot = parseBody(snapshotSchema, latest.content);
    const commitMessage = id.commitMessage ?? draft.commitMessage;
    const result = await createVersion(deps.store, id.prompt, { snapshot, commitMessage, author: id.author });
    await append(deps, {
      ...closing(draft, 'publish', result.version.version, latest.time),
      content: latest.content,
      commitMessage,
    });
    return result;
  });
}

function closing(draft: Draft, kind: 'discard' | 'publish', version: number | null, after?: string): DraftEvent {
  return {
    prompt: draft.prompt,
    author: draft.author,
    revision: draft.revision + 1,
    kind,
    content: null,
    commitMessage: '',
    baseVersion: draft.baseVersion,
    publishedVersion: version,
    time: timeAfter(after),
  };
}

const ANNOUNCED = { save: 'draft.saved', discard: 'draft.discarded', publish: 'draft.published' } as const;

/** Appends the event and announces it: who, which prompt, when (and the version made), never the content. */
async function append(deps: RegistryDeps, event: DraftEvent): Promise<void> {
  await appendDraftEvent(deps.store, event);
  publish(deps, ANNOUNCED[event.kind], {
    prompt: event.prompt,
    author: event.author,
    revision: event.revision,
    time: event.time,
    ...(event.publishedVersion === null ? {} : { version: event.publishedVersion }),
  });
}
