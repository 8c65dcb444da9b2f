import { api } from './api.js';
import type { DraftSummary } from './api-types.js';
import { live } from './live.svelte.js';
import { Resource } from './resource.svelte.js';

/**
 * Who has a draft of a prompt ("being edited by …"), kept current without a reload: reloaded when a draft of that
 * prompt is saved, discarded or published elsewhere (`draft.*` events carry the prompt and author, no content;
 * reloads are coalesced).
 * `ignoreAuthor` skips the events of one author (the editor's own autosaves). Create it during component
 * initialisation.
 */
export function promptDrafts(prompt: () => string, ignoreAuthor?: () => string | undefined): Resource<DraftSummary[]> {
  const drafts = new Resource((signal) => api.drafts({ prompt: prompt() }, signal));
  $effect(() =>
    live.reloadOn(
      ['draft.saved', 'draft.discarded', 'draft.published'],
      () => drafts.reload(),
      (event) => event.data.prompt === prompt() && event.data.author !== ignoreAuthor?.(),
    ),
  );
  return drafts;
}
