import { listAbTests, type AbTest } from '../ab-tests/ab-test-events.js';
import type { EventBus } from '../events/event-bus.js';
import type { Store } from '../store/store.js';
import { currentRevision, type RuleRevision } from '../targeting/rule-revisions.js';
import { laneEvents } from './deployment-queries.js';
import { deriveLaneState, type LaneState } from './environment-state.js';
import { laneKey } from './keyed-mutex.js';
import { findVersion, type PromptVersion } from './version-queries.js';

/** How long a lane state is reused at most, for writes this process did not see (another process). */
export const LANE_MAX_AGE_MS = 1000;
/** Versions kept in memory (they never change, so they are only evicted for space). */
const MAX_VERSIONS = 500;

/** What decides what a lane serves: its deployments, its targeting rules, its running A/B test. */
export interface LaneServing {
  state: LaneState;
  rules: RuleRevision | null;
  test: AbTest | null;
}

/** The events after which a lane serves differently. */
const LANE_EVENTS = new Set(['deployment.created', 'targeting.updated', 'ab_test.updated']);

/**
 * What `resolve` reads, kept in memory: what each lane serves (dropped the moment this process publishes a
 * deployment, targeting or A/B test event on the lane, and re-read after LANE_MAX_AGE_MS in any case) and versions
 * (immutable). A runtime polling resolve thus costs no store query while nothing changes.
 */
export class ResolveCache {
  private readonly lanes = new Map<string, { serving: LaneServing; readAt: number }>();
  /** Bumped on every invalidation, so a read that raced a write does not store the state it read before it. */
  private readonly generations = new Map<string, number>();
  private readonly versions = new Map<string, PromptVersion>();

  constructor(
    private readonly store: Store,
    bus: EventBus,
  ) {
    bus.subscribe((event) => {
      if (!LANE_EVENTS.has(event.type)) return;
      const { prompt, environment } = event.data;
      if (typeof prompt === 'string' && typeof environment === 'string') this.invalidate(laneKey(prompt, environment));
    });
  }

  async lane(prompt: string, environment: string): Promise<LaneServing> {
    const key = laneKey(prompt, environment);
    const cached = this.lanes.get(key);
    if (cached && Date.now() - cached.readAt < LANE_MAX_AGE_MS) return cached.serving;
    const generation = this.generations.get(key) ?? 0;
    const readAt = Date.now();
    const [events, rules, tests] = await Promise.all([
      laneEvents(this.store, prompt, environment),
      currentRevision(this.store, prompt, environment),
      listAbTests(this.store, { prompt, environment }),
    ]);
    const serving = {
      state: deriveLaneState(events),
      rules: rules && rules.rules.length > 0 ? rules : null,
      test: tests.find((t) => t.status === 'running') ?? null,
    };
    // Empty lanes are not kept: resolving made-up names must not grow memory.
    const unchanged = (this.generations.get(key) ?? 0) === generation;
    if (unchanged && serving.state.latest !== null) this.lanes.set(key, { serving, readAt });
    return serving;
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
