import { EventStream } from './event-stream.js';
import { Http, TracelaneError } from './http.js';
import { Lane, type DeploymentChange, type PromptCache } from './lane.js';
import { Prompt, type FallbackPrompt } from './prompt.js';
import { ScoreQueue, type ScoreOptions, type ScoreQueueOptions, type ScoreStats, type ScoreTarget } from './scores.js';
import type { ProductEvent } from './wire.js';

export interface TracelaneOptions {
  /** Where Tracelane's API is, e.g. `http://localhost:8080`. */
  url: string;
  /** An API key (a viewer key resolves prompts; sending scores needs a scorer key, which cannot deploy). */
  apiKey?: string;
  /** Time allowed for one request, in milliseconds (default 5000). */
  timeoutMs?: number;
  /** Retries of a failed request, with exponential backoff (default 2). */
  maxRetries?: number;
  /** Every resolved prompt is revalidated this often, a cheap 304 when nothing changed (default 30000). */
  refreshIntervalMs?: number;
  /** Follow the event stream so that a deployment or rollback is picked up at once (default true). */
  stream?: boolean;
  /** Keeps the last known versions across restarts: `fileCache(dir)` from `@tracelane/client/file-cache`. */
  cache?: PromptCache;
  /** The fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  /** Called when what an environment serves of a prompt changes, including its first resolution. */
  onChange?: (change: DeploymentChange) => void;
  /** Called on background failures: the first of a run of failed refreshes, a lost stream, a dropped score. */
  onError?: (error: TracelaneError) => void;
  /** Score sending: retry window (default 5 minutes), queue bound (10000), gathering delay (1000 ms). */
  scores?: Partial<ScoreQueueOptions>;
}

export interface GetPromptOptions {
  environment: string;
  /** Sticky canary assignment: the same key (user, session, tenant) always gets the same arm. */
  key?: string;
  /** Served when the prompt was never resolved and Tracelane cannot be reached (or has nothing deployed). */
  fallback?: FallbackPrompt;
}

export interface ClientStats {
  /** The event stream is connected: deployments reach this client at once. */
  streaming: boolean;
  scores: ScoreStats;
}

const DEPLOYMENT_EVENTS = ['deployment.created'];

/**
 * The runtime client: an explicit object, no global state. `getPrompt` answers from memory once a prompt was
 * resolved; the versions are kept fresh in the background (event stream, periodic revalidation) and survive an
 * outage (last known version, optional file cache, fallback snapshot).
 */
export class Tracelane {
  private readonly http: Http;
  private readonly lanes = new Map<string, Lane>();
  private readonly scoreQueue: ScoreQueue;
  private readonly closed = new AbortController();
  private readonly onError: (error: TracelaneError) => void;
  private stream: EventStream | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly options: TracelaneOptions) {
    new URL(options.url); // throws a TypeError naming a malformed URL now rather than at the first call
    this.http = new Http({
      url: options.url,
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
      timeoutMs: options.timeoutMs ?? 5000,
      maxRetries: options.maxRetries ?? 2,
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      signal: this.closed.signal,
    });
    this.onError = (error) => {
      if (!this.closed.signal.aborted) (options.onError ?? warn)(error);
    };
    this.scoreQueue = new ScoreQueue(
      this.http,
      { retryWindowMs: 300_000, maxPending: 10_000, batchDelayMs: 1000, ...options.scores },
      this.onError,
      this.closed.signal,
    );
  }

  /**
   * The version of `name` to use now in `options.environment`. The first call per prompt and environment asks
   * Tracelane; later calls answer from memory (during a canary, a new `key` asks once for its arm). Once a prompt
   * was resolved this never throws: an outage serves the last known version, marked `stale`.
   */
  async getPrompt(name: string, options: GetPromptOptions): Promise<Prompt> {
    checkName('name', name, 1000);
    checkName('environment', options.environment, 200);
    if (options.key !== undefined) checkName('key', options.key, 256);
    if (this.closed.signal.aborted) throw new TracelaneError('the Tracelane client is closed');
    const lane = this.lane(name, options.environment);
    if (!lane.resolved) {
      // With a fallback, only the very first call waits for Tracelane; later ones do not block on an outage.
      if (!lane.attempted || !options.fallback) await lane.load();
      else void lane.load();
    }
    if (lane.resolved) return lane.serve(options.key);
    if (!options.fallback) throw lane.error;
    const served = {
      name,
      environment: options.environment,
      arm: 'stable',
      status: 'fallback',
      confirmedAt: null,
    } as const;
    return new Prompt(served, options.fallback);
  }

  /** Records application feedback on a trace (or one span of it); sent in the background, retried, never blocks. */
  score(target: ScoreTarget, name: string, value: number | boolean, options?: ScoreOptions): void {
    this.scoreQueue.add(target, name, value, options);
  }

  /** Calls `onEvent` for every product event of these types (e.g. `regression.detected`) until the returned stop. */
  subscribe(types: readonly string[], onEvent: (event: ProductEvent) => void): () => void {
    const stream = new EventStream(this.http, types, { onEvent, onError: this.onError }, this.closed.signal);
    return () => stream.stop();
  }

  /** Sends the pending scores now and waits for them (retries included) for at most `timeoutMs`. */
  flush(timeoutMs = 30_000): Promise<void> {
    return this.scoreQueue.flush(timeoutMs);
  }

  stats(): ClientStats {
    return { streaming: this.stream?.connected ?? false, scores: this.scoreQueue.stats() };
  }

  /** Sends the pending scores (for up to `timeoutMs`), then stops the stream, the timers and every request. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.closed.signal.aborted) return;
    await this.scoreQueue.flush(timeoutMs);
    this.scoreQueue.abandon();
    this.closed.abort();
    if (this.timer) clearInterval(this.timer);
  }

  private lane(name: string, environment: string): Lane {
    const id = laneId(name, environment);
    let lane = this.lanes.get(id);
    if (!lane) {
      lane = new Lane(name, environment, {
        http: this.http,
        cache: this.options.cache,
        onChange: (change) => this.options.onChange?.(change),
        onError: this.onError,
      });
      this.lanes.set(id, lane);
      this.startBackground();
    }
    return lane;
  }

  /** The event stream and the periodic revalidation start with the first prompt asked for. */
  private startBackground(): void {
    if (this.timer) return;
    const refreshAll = () => {
      for (const lane of this.lanes.values()) void lane.refresh();
    };
    this.timer = setInterval(refreshAll, this.options.refreshIntervalMs ?? 30_000);
    (this.timer as { unref?: () => void }).unref?.();
    if (this.options.stream === false) return;
    this.stream = new EventStream(
      this.http,
      DEPLOYMENT_EVENTS,
      {
        onEvent: (event) => {
          const { prompt, environment } = event.data;
          if (typeof prompt === 'string' && typeof environment === 'string') {
            void this.lanes.get(laneId(prompt, environment))?.refresh();
          }
        },
        onSync: refreshAll,
        onDisconnect: refreshAll, // an outage shows at once: the lanes turn stale
        onError: this.onError,
      },
      this.closed.signal,
    );
  }
}

const laneId = (name: string, environment: string) => `${name}\u0000${environment}`;

function checkName(field: string, value: unknown, max: number): void {
  if (typeof value !== 'string' || value === '' || value.length > max) {
    throw new TypeError(`${field}: must be a non-empty string of at most ${max} characters`);
  }
}

function warn(error: TracelaneError): void {
  console.warn(`[tracelane] ${error.message}`);
}
