import type { EventBus } from '../events/event-bus.js';
import type { Store } from '../store/store.js';
import { laneEvents } from './deployment-queries.js';
import { deriveLaneState, type LaneState } from './environment-state.js';
import { laneKey } from './keyed-mutex.js';
import { findVersion, type PromptVersion } from './version-queries.js';

/** How long a lane state is reused at most, for writes this process did not see (another process). */
export const LANE_MAX_AGE_MS = 1000;
/** Versions kept in memory (they never change, so they are only evicted for space). */
const MAX_VERSIONS = 500;

/**
 * What `resolve` reads, kept in memory: lane states (dropped the moment this process publishes a deployment event
 * on the lane, and re-read after LANE_MAX_AGE_MS in any case) and versions (immutable). A runtime polling resolve
 * thus costs no store query while nothing changes.
 */
export class ResolveCache {
  private readonly lanes = new Map<string, { state: LaneState; readAt: number }>();
  /** Bumped on every invalidation, so a read that raced a write does not store the state it read before it. */
  private readonly generations = new Map<string, number>();
  private readonly versions = new Map<string, PromptVersion>();

  constructor(
    private readonly store: Store,
    bus: EventBus,
  ) {
    bus.subscribe((event) => {
      if (event.type !== 'deployment.created') return;
      const { prompt, environment } = event.data;
      if (typeof prompt === 'string' && typeof environment === 'string') this.invalidate(laneKey(prompt, environment));
    });
  }

  async lane(prompt: string, environment: string): Promise<LaneState> {
    const key = laneKey(prompt, environment);
    const cached = this.lanes.get(key);
    if (cached && Date.now() - cached.readAt < LANE_MAX_AGE_MS) return cached.state;
    const generation = this.generations.get(key) ?? 0;
    const readAt = Date.now();
    const state = deriveLaneState(await laneEvents(this.store, prompt, environment));
    // Empty lanes are not kept: resolving made-up names must not grow memory.
    const unchanged = (this.generations.get(key) ?? 0) === generation;
    if (unchanged && state.latest !== null) this.lanes.set(key, { state, readAt });
    return state;
  }

  async version(prompt: string, version: number): Promise<PromptVersion | undefined> {
    const key = `${prompt}\u0000${version}`;
    const cached = this.versions.get(key);
    if (cached) return cached;
    const found = await findVersion(this.store, prompt, version);
    if (found) {
      if (this.versions.size >= MAX_VERSIONS) this.versions.delete(this.versions.keys().next().value ?? key);
      this.versions.set(key, found);
    }
    return found;
  }

  private invalidate(key: string): void {
    this.lanes.delete(key);
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
  }
}
