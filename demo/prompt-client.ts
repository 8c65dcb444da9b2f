import type { ApiClient } from './api-client.js';
import { followEvents, type ProductEvent } from './event-stream.js';
import type { PromptSnapshot } from './simulated-model.js';

/** What the triage service uses of `GET /api/v1/prompts/{name}/resolve`. */
export interface ResolvedPrompt {
  version: number;
  deploymentId: string;
  snapshot: PromptSnapshot & { settings: { temperature?: number; maxTokens?: number } };
}

/**
 * The runtime side of the registry: resolves the prompt deployed in one environment, keeps it with its ETag,
 * and listens to `GET /api/v1/events` so that a deployment or rollback is picked up at once — the service never
 * restarts. A revalidation every `revalidateMs` (a cheap 304) covers a missed event.
 */
export class PromptClient {
  private resolved: ResolvedPrompt | null = null;
  private etag: string | null = null;
  private queue: Promise<void> = Promise.resolve();
  private readonly abort = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly api: ApiClient,
    readonly prompt: string,
    readonly environment: string,
    private readonly onChange: (resolved: ResolvedPrompt) => void = () => {},
    revalidateMs = 30_000,
  ) {
    this.timer = setInterval(() => void this.refresh().catch(() => {}), revalidateMs);
    void followEvents(
      api,
      ['deployment.created'],
      (e) => this.onEvent(e),
      this.abort.signal,
      () => this.refresh(),
    );
  }

  /** The version to use now; `refresh()` must have succeeded once. */
  current(): ResolvedPrompt {
    if (!this.resolved) throw new Error(`${this.prompt} not resolved yet in ${this.environment}`);
    return this.resolved;
  }

  /** Re-resolves (serialised, so an older answer never overwrites a newer one). */
  refresh(): Promise<void> {
    const next = this.queue.then(() => this.resolveOnce());
    this.queue = next.catch(() => {});
    return next;
  }

  private async resolveOnce(): Promise<void> {
    const path = `/api/v1/prompts/${encodeURIComponent(this.prompt)}/resolve?environment=${this.environment}`;
    const res = await fetch(this.api.baseUrl + path, {
      headers: this.api.headers(this.etag ? { 'if-none-match': this.etag } : {}),
      signal: this.abort.signal,
    });
    if (res.status === 304) return;
    if (!res.ok) throw new Error(`resolve ${this.prompt} in ${this.environment}: ${res.status} ${await res.text()}`);
    const next = (await res.json()) as ResolvedPrompt;
    this.etag = res.headers.get('etag');
    const changed = this.resolved?.version !== next.version;
    this.resolved = next;
    if (changed) this.onChange(next);
  }

  close(): void {
    clearInterval(this.timer);
    this.abort.abort();
  }

  /** Re-resolves on every deployment event of this prompt and environment, and after every reconnection. */
  private onEvent(event: ProductEvent): void {
    if (event.data.prompt === this.prompt && event.data.environment === this.environment) {
      void this.refresh().catch(() => {});
    }
  }
}
