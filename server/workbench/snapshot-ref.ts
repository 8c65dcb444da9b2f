import { lastKnownGood } from '../analysis/analyses-store.js';
import { requireDraft } from '../drafts/draft-service.js';
import { badRequest, notFound } from '../http/errors.js';
import { parseField } from '../http/validation.js';
import { laneEvents } from '../registry/deployment-queries.js';
import { requireEnvironment } from '../registry/environment-service.js';
import { deriveLaneState, type LaneState } from '../registry/environment-state.js';
import { environmentName, versionText } from '../registry/names.js';
import { requireVersion } from '../registry/prompt-service.js';
import { snapshotFields, type DraftSnapshot } from '../registry/version-snapshot.js';
import type { Store } from '../store/store.js';

/**
 * What a comparison or a rendering names as one side: a version (`3`), what is live in an environment
 * (`production`), an author's draft (`draft:alice`), or the last version whose final verdict in an environment was
 * `pass` (`pass:production`). `:` never occurs in environment names, so the forms cannot be confused.
 */
export type SnapshotRef =
  | { kind: 'version'; version: number }
  | { kind: 'environment'; environment: string }
  | { kind: 'draft'; author: string }
  | { kind: 'last-pass'; environment: string };

export interface ResolvedRef {
  ref: SnapshotRef;
  /** How a person reads it: `v3`, `production (v2)`, `draft by alice`, `last pass in production (v1)`. */
  label: string;
  /** The version compared (null for a draft). */
  version: number | null;
  /** The environment the reference names (live or last pass), else null. */
  environment: string | null;
  draftAuthor: string | null;
  snapshot: DraftSnapshot;
}

export const REF_FORMS = 'a version number, an environment name, draft:<author> or pass:<environment>';

export function parseRef(text: string, field: string): SnapshotRef {
  if (/^\d+$/.test(text)) return { kind: 'version', version: parseField(versionText, text, field) };
  if (text.startsWith('draft:') && text.length > 6 && text.length <= 206)
    return { kind: 'draft', author: text.slice(6) };
  if (text.startsWith('pass:')) {
    return { kind: 'last-pass', environment: parseField(environmentName, text.slice(5), field) };
  }
  if (environmentName.safeParse(text).success) return { kind: 'environment', environment: text };
  throw badRequest(`${field}: must be ${REF_FORMS}`, field);
}

export async function resolveRef(store: Store, prompt: string, ref: SnapshotRef, field: string): Promise<ResolvedRef> {
  const fromVersion = async (version: number, environment: string | null, label: string): Promise<ResolvedRef> => {
    const snapshot = snapshotFields(await requireVersion(store, prompt, version, field));
    return { ref, label, version, environment, draftAuthor: null, snapshot };
  };
  switch (ref.kind) {
    case 'version':
      return fromVersion(ref.version, null, `v${ref.version}`);
    case 'environment': {
      await requireEnvironment(store, ref.environment, field);
      const state = deriveLaneState(await laneEvents(store, prompt, ref.environment));
      const live = await resolveLive(store, prompt, ref.environment, state, field);
      if (!live) throw notFound(`${field}: prompt "${prompt}" has no version deployed in "${ref.environment}"`, field);
      return live;
    }
    case 'last-pass': {
      await requireEnvironment(store, ref.environment, field);
      const good = await lastKnownGood(store, ref.environment, prompt);
      if (!good) throw notFound(`${field}: no version of "${prompt}" has passed in "${ref.environment}" yet`, field);
      return fromVersion(good.version, ref.environment, `last pass in ${ref.environment} (v${good.version})`);
    }
    case 'draft': {
      const draft = await requireDraft(store, { prompt, author: ref.author }, field);
      const snapshot = snapshotFields(draft);
      return {
        ref,
        label: `draft by ${draft.author}`,
        version: null,
        environment: null,
        draftAuthor: draft.author,
        snapshot,
      };
    }
  }
}

/** The stable version of a lane state as the environment side (`production (v2)`), or null when nothing is live. */
export async function resolveLive(
  store: Store,
  prompt: string,
  environment: string,
  state: LaneState,
  field: string,
): Promise<ResolvedRef | null> {
  const version = state.stableVersion;
  if (version === null) return null;
  const snapshot = snapshotFields(await requireVersion(store, prompt, version, field));
  const ref: SnapshotRef = { kind: 'environment', environment };
  return { ref, label: `${environment} (v${version})`, version, environment, draftAuthor: null, snapshot };
}
