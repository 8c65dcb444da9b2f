/**
 * Serialises asynchronous work per key inside this process: `run(key, work)` starts `work` only after every earlier
 * `run` with the same key has settled. The registry uses it around read-current-state → append, so two writers on
 * one prompt and environment never decide from the same stale state. It is in-process: one API server process owns
 * registry writes (collectors scale out; they never write the registry).
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release = () => {};
    const done = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => done);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** The registry's locks, shared by every registry instance of this process (HTTP routes and the analysis loop). */
export const locks = {
  /** Per prompt name: prompt creation and version numbering. */
  prompt: new KeyedMutex(),
  /** Per prompt + environment: every deployment event. */
  lane: new KeyedMutex(),
  /** One key: environment creation and primary changes. */
  environments: new KeyedMutex(),
  /** Per review request id: approve / reject. */
  request: new KeyedMutex(),
  /** One key: API key names stay unique. */
  keys: new KeyedMutex(),
};

export const laneKey = (prompt: string, environment: string) => `${prompt}\u0000${environment}`;
