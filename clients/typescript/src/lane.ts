import { TracelaneError, type Http } from './http.js';
import { servedPrompt, type Prompt, type PromptStatus } from './prompt.js';
import type { Arm, PromptVersion, Resolution } from './wire.js';

/** What the client keeps of one prompt in one environment, and what a PromptCache persists. */
export interface CachedLane {
  resolution: Resolution;
  etag: string | null;
  /** Epoch milliseconds of the last time Tracelane confirmed it. */
  confirmedAt: number;
  /** The stable version and, during a canary, the candidate. */
  versions: PromptVersion[];
}

/** Where the last known versions survive a restart (`fileCache(dir)` from `@tracelane/client/file-cache`). */
export interface PromptCache {
  load(prompt: string, environment: string): Promise<CachedLane | undefined>;
  save(prompt: string, environment: string, lane: CachedLane): Promise<void>;
}

/** What one environment serves of one prompt: reported to `onChange` when it changes. */
export interface DeploymentChange {
  prompt: string;
  environment: string;
  /** The stable version. */
  version: number;
  canary: { version: number; percent: number } | null;
  status: PromptStatus;
}

export interface LaneDeps {
  http: Http;
  cache: PromptCache | undefined;
  onChange(change: DeploymentChange): void;
  onError(error: TracelaneError): void;
}

/** Callers (keys, attribute sets) remembered per lane while answers depend on them (the oldest forgotten first). */
const MAX_KEYS = 10_000;
/** A lane that failed to resolve is tried again at most this often from the hot path. */
const MIN_RETRY_MS = 1000;

/**
 * One prompt in one environment: resolved with ETag revalidation, re-resolved on demand (an event, a timer),
 * persisted to the cache, and served from memory. During a canary a call without a key gets an arm at random with
 * the canary's share, as the server would pick; a call with a key gets the server's sticky assignment for that key,
 * asked once per key and canary. While targeting rules or an A/B test are in effect the server decides per caller:
 * each caller (its key, and the attributes the rules read) is asked once per change of the lane.
 */
export class Lane {
  private state: CachedLane | null = null;
  private status: 'fresh' | 'stale' = 'stale';
  private failing = false;
  private cacheTried = false;
  private lastError: TracelaneError | null = null;
  private lastAttemptAt = 0;
  /** A load finished (resolved or failed). */
  attempted = false;
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private readonly keyed = new Map<string, { signature: string; arm: Arm; snapshot: PromptVersion }>();
  private readonly keyedInFlight = new Map<string, Promise<Resolution>>();

  constructor(
    readonly prompt: string,
    readonly environment: string,
    private readonly deps: LaneDeps,
  ) {}

  get resolved(): boolean {
    return this.state !== null;
  }

  get error(): TracelaneError {
    return this.lastError ?? new TracelaneError(`${this.prompt} in ${this.environment}: not resolved yet`);
  }

  /**
   * Re-resolves now. Never rejects (a failure marks the lane stale). Calls made while a resolve is in flight share
   * one follow-up resolve, so an event is never answered by a request that started before it.
   */
  refresh(): Promise<void> {
    if (this.running) {
      this.queued ??= this.running.then(() => {
        this.queued = null;
        return this.refresh();
      });
      return this.queued;
    }
    this.running = this.resolveOnce().finally(() => {
      this.running = null;
      this.attempted = true;
    });
    return this.running;
  }

  /** A refresh, unless one is in flight (then that one) or the last attempt was less than a second ago. */
  load(): Promise<void> {
    if (this.running) return this.running;
    return Date.now() - this.lastAttemptAt < MIN_RETRY_MS ? Promise.resolve() : this.refresh();
  }

  /** The version to serve to one call (the lane must be resolved). */
  async serve(key: string | undefined, attributes: Readonly<Record<string, string>> = {}): Promise<Prompt> {
    const { resolution } = this.state as CachedLane;
    const canary = resolution.canary;
    // Whether the answer depends on the caller is decided here: targeting rules and A/B tests by the server for
    // each caller; a canary by key (sticky, asked once) or at random with its share.
    const targeted = Boolean(resolution.targeting ?? resolution.test);
    if (!targeted && !canary) return this.servedVersion(resolution.stableVersion, 'stable');
    if (!targeted && canary && key === undefined) {
      return Math.random() < canary.percent / 100
        ? this.servedVersion(canary.version, 'canary')
        : this.servedVersion(resolution.stableVersion, 'stable');
    }
    const read = targeted ? (resolution.variesBy?.attributes ?? []) : [];
    const relevant = Object.fromEntries(read.flatMap((name) => (name in attributes ? [[name, attributes[name]]] : [])));
    const caller = JSON.stringify([key ?? null, relevant]);
    const known = this.keyed.get(caller);
    if (known?.signature === signatureOf(resolution)) return servedPrompt(known.snapshot, this.served(known.arm));
    // Tracelane did not answer the last refresh: a new caller is not worth a wait on the hot path.
    if (this.status === 'stale') return this.servedVersion(resolution.stableVersion, 'stable');
    try {
      const answer = await this.resolveCaller(caller, key, relevant as Record<string, string>);
      return servedPrompt(answer.snapshot, this.served(answer.arm));
    } catch (error) {
      this.report(error);
      return this.servedVersion(resolution.stableVersion, 'stable', 'stale');
    }
  }

  private servedVersion(version: number, arm: Arm, status: PromptStatus = this.status): Prompt {
    const snapshot = (this.state as CachedLane).versions.find((v) => v.version === version) as PromptVersion;
    return servedPrompt(snapshot, this.served(arm, status));
  }

  private served(arm: Arm, status: PromptStatus = this.status) {
    const confirmedAt = new Date((this.state as CachedLane).confirmedAt);
    return { environment: this.environment, arm, status, confirmedAt };
  }

  /** Asks Tracelane what one caller gets (its key and attributes), once per caller while the lane is unchanged. */
  private resolveCaller(caller: string, key: string | undefined, attributes: Record<string, string>) {
    let pending = this.keyedInFlight.get(caller);
    if (!pending) {
      const query = [
        ...(key === undefined ? [] : [`&key=${encodeURIComponent(key)}`]),
        ...Object.entries(attributes).map(
          ([name, value]) => `&attr.${encodeURIComponent(name)}=${encodeURIComponent(value)}`,
        ),
      ].join('');
      pending = this.request(query, {}, 0)
        .then(({ body }) => {
          const answer = body as Resolution;
          const current = this.state?.resolution;
          if (current && signatureOf(answer) !== signatureOf(current)) {
            void this.refresh(); // the lane is behind: catch up, and remember this caller once it has
          } else {
            if (this.keyed.size >= MAX_KEYS) this.keyed.delete(this.keyed.keys().next().value as string);
            const snapshot = deepFreeze(answer.snapshot);
            this.keyed.set(caller, { signature: signatureOf(answer), arm: answer.arm, snapshot });
          }
          return answer;
        })
        .finally(() => this.keyedInFlight.delete(caller));
      this.keyedInFlight.set(caller, pending);
    }
    return pending;
  }

  private async resolveOnce(): Promise<void> {
    this.lastAttemptAt = Date.now();
    const etag = this.state?.etag;
    try {
      const answer = await this.request('', etag ? { 'if-none-match': etag } : {});
      if (answer.status === 304 && this.state) {
        this.commit({ ...this.state, confirmedAt: Date.now() }, true);
        return;
      }
      const resolution = answer.body as Resolution;
      const versions = await this.versionsFor(resolution);
      this.commit({ resolution, etag: answer.headers.get('etag'), confirmedAt: Date.now(), versions }, true);
    } catch (error) {
      this.report(error);
      this.status = 'stale';
      if (!this.state) await this.fromCache();
    }
  }

  private request(query: string, headers: Record<string, string> = {}, retries?: number) {
    const path = `/api/v1/prompts/${encodeURIComponent(this.prompt)}/resolve`;
    return this.deps.http.request('GET', `${path}?environment=${encodeURIComponent(this.environment)}${query}`, {
      headers,
      ...(retries === undefined ? {} : { retries }),
    });
  }

  /** The snapshots the lane serves: the stable version and the canary's, fetched when the answer lacks one. */
  private async versionsFor(resolution: Resolution): Promise<PromptVersion[]> {
    const wanted = [resolution.stableVersion, ...(resolution.canary ? [resolution.canary.version] : [])];
    const known = [resolution.snapshot, ...(this.state?.versions ?? [])];
    return Promise.all(
      wanted.map(async (version) => {
        const found = known.find((v) => v.version === version);
        if (found) return found;
        const path = `/api/v1/prompts/${encodeURIComponent(this.prompt)}/versions/${version}`;
        return (await this.deps.http.request('GET', path)).body as PromptVersion;
      }),
    );
  }

  private async fromCache(): Promise<void> {
    if (this.cacheTried || !this.deps.cache) return;
    this.cacheTried = true;
    try {
      const cached = await this.deps.cache.load(this.prompt, this.environment);
      if (cached && !this.state) this.commit(cached, false);
    } catch (error) {
      this.report(error);
    }
  }

  private commit(next: CachedLane, confirmed: boolean): void {
    const previous = this.state;
    this.state = { ...next, versions: next.versions.map(deepFreeze) };
    this.status = confirmed ? 'fresh' : 'stale';
    if (confirmed) this.failing = false;
    if (previous && signatureOf(previous.resolution) === signatureOf(next.resolution)) return;
    this.keyed.clear();
    const { resolution } = next;
    this.deps.onChange({
      prompt: this.prompt,
      environment: this.environment,
      version: resolution.stableVersion,
      canary: resolution.canary && { version: resolution.canary.version, percent: resolution.canary.percent },
      status: this.status,
    });
    if (confirmed && this.deps.cache) {
      this.deps.cache.save(this.prompt, this.environment, this.state).catch((error: unknown) => this.report(error));
    }
  }

  /** Reports the first failure of a run of failures (an outage is one message, not one per refresh). */
  private report(error: unknown): void {
    this.lastError = error instanceof TracelaneError ? error : new TracelaneError(String(error));
    if (this.failing) return;
    this.failing = true;
    this.deps.onError(this.lastError);
  }
}

/** What decides which version a caller gets: the same signature means every caller keeps its arm. */
function signatureOf(resolution: Resolution): string {
  const { canary, targeting, test } = resolution;
  const split = canary ? `${canary.deploymentId}:${canary.percent}` : '';
  return `${resolution.stableVersion}:${split}:${targeting?.revision ?? ''}:${test?.id ?? ''}`;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
