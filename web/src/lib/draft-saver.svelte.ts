import { api } from './api.js';
import { ApiError, describeError } from './api-error.js';
import type { DraftSnapshot } from './api-types.js';
import { fieldLabel, type FieldProblem } from './draft-form.js';

/**
 * Autosave of one draft: each change is saved after a quiet spell (debounced), one save at a time, each sending
 * the revision it was based on, so a save made elsewhere (another tab) is never overwritten: that is a conflict
 * the author resolves by reloading. Content with problems (invalid JSON, a duplicate variable) is not sent.
 */
export type SaveStatus = 'saved' | 'unchanged' | 'pending' | 'saving' | 'problem' | 'conflict' | 'error';

type Body = DraftSnapshot & { commitMessage: string };

export class DraftSaver {
  status = $state<SaveStatus>('unchanged');
  message = $state<string | undefined>(undefined);
  /** The revision of the latest save (0: nothing saved yet). */
  revision = $state(0);
  savedAt = $state<string | undefined>(undefined);
  private timer: ReturnType<typeof setTimeout> | undefined;
  private queued: Body | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly prompt: string,
    private readonly author: string,
    private readonly baseVersion: number | null,
    revision: number,
    savedAt?: string,
    private readonly delayMs = 800,
  ) {
    this.revision = revision;
    this.savedAt = savedAt;
    if (revision > 0) this.status = 'saved';
  }

  /** Called with the form's content on every edit. */
  change(result: { content?: DraftSnapshot; problems: FieldProblem[] }, commitMessage: string): void {
    if (this.status === 'conflict') return;
    clearTimeout(this.timer);
    if (!result.content) {
      this.queued = undefined;
      this.status = 'problem';
      this.message = result.problems.map((p) => `${fieldLabel(p.field)}: ${p.message}`).join(' · ');
      return;
    }
    this.queued = { ...result.content, commitMessage };
    this.status = 'pending';
    this.message = undefined;
    this.timer = setTimeout(() => void this.flush(), this.delayMs);
  }

  /** Saves what is waiting now; true when everything typed is saved. */
  async flush(): Promise<boolean> {
    clearTimeout(this.timer);
    while (this.inFlight) await this.inFlight;
    const body = this.queued;
    if (!body) return this.status === 'saved' || this.status === 'unchanged';
    this.queued = undefined;
    this.status = 'saving';
    this.inFlight = this.save(body);
    await this.inFlight;
    this.inFlight = undefined;
    return (this.status as SaveStatus) === 'saved';
  }

  private async save(body: Body): Promise<void> {
    try {
      const draft = await api.saveDraft(this.prompt, this.author, {
        ...body,
        baseVersion: this.baseVersion,
        revision: this.revision,
      });
      this.revision = draft.revision;
      this.savedAt = draft.updatedAt;
      if (!this.queued) this.status = 'saved';
    } catch (error) {
      const conflict = error instanceof ApiError && error.status === 409;
      this.status = conflict ? 'conflict' : 'error';
      this.message = conflict
        ? `${describeError(error)} Your last changes are not saved.`
        : `Not saved: ${error instanceof ApiError && error.field ? `${fieldLabel(error.field)}: ` : ''}${describeError(error)}`;
    }
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
