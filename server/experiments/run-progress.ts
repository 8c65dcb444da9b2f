/**
 * How far a run is: items finished (answered or failed) of the total, failures, money spent, and an ETA from the
 * pace since this process started (or resumed) it.
 */
export interface Progress {
  total: number;
  done: number;
  errors: number;
  costUsd: number;
  /** Milliseconds until done at the current pace; null before the pace is known or when finished. */
  etaMs: number | null;
}

export class LiveProgress {
  done = 0;
  errors = 0;
  costUsd = 0;
  /** False until the stored results are counted (resumeFrom): until then the stored totals are the truth. */
  ready = false;
  private doneAtStart = 0;
  private startedAt = Date.now();

  constructor(readonly total: number) {}

  /** Counts what earlier attempts (before a restart) finished; the pace is measured from here. */
  resumeFrom(done: number, errors: number, costUsd: number): void {
    this.done = done;
    this.errors = errors;
    this.costUsd = costUsd;
    this.doneAtStart = done;
    this.startedAt = Date.now();
    this.ready = true;
  }

  record(failed: boolean, costUsd: number | null): void {
    this.done++;
    if (failed) this.errors++;
    this.costUsd += costUsd ?? 0;
  }

  snapshot(now = Date.now()): Progress {
    const finishedHere = this.done - this.doneAtStart;
    const remaining = this.total - this.done;
    const etaMs =
      finishedHere > 0 && remaining > 0 ? Math.round(((now - this.startedAt) / finishedHere) * remaining) : null;
    return { total: this.total, done: this.done, errors: this.errors, costUsd: this.costUsd, etaMs };
  }
}
