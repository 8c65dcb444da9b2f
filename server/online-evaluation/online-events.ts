import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';
import type { OnlineConfig } from './online-config.js';

/** The state of one environment's online evaluation, as its events say (see migration 058). */
export interface OnlineState {
  environment: string;
  config: OnlineConfig;
  configuredAt: string;
  configuredBy: string;
  /** Span time (epoch ms, a minute boundary) up to which the environment's traffic was evaluated; null: not yet. */
  cursor: number | null;
  /** Judge spend of the current UTC day, USD. */
  spentToday: number;
  evaluators: EvaluatorState[];
}

export interface EvaluatorState {
  name: string;
  /** The reason it is paused, or null when it runs. */
  paused: { reason: string; at: string } | null;
  today: { scored: number; errors: number; skipped: number; overBudget: number; spentUsd: number };
}

export type OnlineEventKind = 'configured' | 'progress' | 'paused' | 'resumed';

export interface OnlineEvent {
  environment: string;
  evaluator: string;
  kind: OnlineEventKind;
  /** Epoch ms. */
  time: number;
  config?: OnlineConfig;
  cursor?: number;
  scored?: number;
  errors?: number;
  skipped?: number;
  overBudget?: number;
  spentUsd?: number;
  reason?: string;
  actor?: string;
}

export async function appendOnlineEvents(store: Store, events: readonly OnlineEvent[]): Promise<void> {
  if (events.length === 0) return;
  await store.insert(
    'online_evaluation_events',
    events.map((e) => ({
      id: randomUUID(),
      environment: e.environment,
      evaluator: e.evaluator,
      time: new Date(e.time).toISOString(),
      kind: e.kind,
      config: e.config ? JSON.stringify(e.config) : '',
      cursor: new Date(e.cursor ?? 0).toISOString(),
      scored: e.scored ?? 0,
      errors: e.errors ?? 0,
      skipped: e.skipped ?? 0,
      over_budget: e.overBudget ?? 0,
      spent_usd: e.spentUsd ?? 0,
      reason: e.reason ?? '',
      actor: e.actor ?? '',
    })),
  );
}

interface EnvironmentRow {
  environment: string;
  config: string;
  configuredAt: string;
  configuredBy: string;
  cursor: string;
}

interface EvaluatorRow {
  environment: string;
  evaluator: string;
  pausedAt: string;
  reason: string;
  resumedAt: string;
  scored: number;
  errors: number;
  skipped: number;
  overBudget: number;
  spent: number;
}

/** Every configured environment's state as of `now` (epoch ms): two queries whatever their number. */
export async function loadOnlineStates(store: Store, now: number, environment?: string): Promise<OnlineState[]> {
  const params = { environment: environment ?? '', day: Math.floor(now / 86_400_000) * 86_400_000 };
  const filter = `({environment:String} = '' OR environment = {environment:String})`;
  const [environments, evaluators] = await Promise.all([
    store.query<EnvironmentRow>(
      `SELECT environment, argMaxIf(config, time, kind = 'configured') AS config,
              maxIf(time, kind = 'configured') AS configuredAt, argMaxIf(actor, time, kind = 'configured') AS configuredBy,
              maxIf(cursor, kind = 'progress') AS cursor
       FROM online_evaluation_events WHERE ${filter}
       GROUP BY environment HAVING countIf(kind = 'configured') > 0 ORDER BY environment`,
      params,
    ),
    store.query<EvaluatorRow>(
      `SELECT environment, evaluator, maxIf(time, kind = 'paused') AS pausedAt,
              argMaxIf(reason, time, kind = 'paused') AS reason, maxIf(time, kind = 'resumed') AS resumedAt,
              sumIf(scored, kind = 'progress' AND time >= fromUnixTimestamp64Milli({day:Int64})) AS scored,
              sumIf(errors, kind = 'progress' AND time >= fromUnixTimestamp64Milli({day:Int64})) AS errors,
              sumIf(skipped, kind = 'progress' AND time >= fromUnixTimestamp64Milli({day:Int64})) AS skipped,
              sumIf(over_budget, kind = 'progress' AND time >= fromUnixTimestamp64Milli({day:Int64})) AS overBudget,
              sumIf(spent_usd, kind = 'progress' AND time >= fromUnixTimestamp64Milli({day:Int64})) AS spent
       FROM online_evaluation_events WHERE ${filter} AND evaluator != ''
       GROUP BY environment, evaluator`,
      params,
    ),
  ]);
  return environments.map((row) => {
    const config = JSON.parse(row.config) as OnlineConfig;
    const configuredAt = Date.parse(row.configuredAt);
    const rows = new Map(evaluators.filter((e) => e.environment === row.environment).map((e) => [e.evaluator, e]));
    const states = config.evaluators.map((name): EvaluatorState => {
      const e = rows.get(name);
      const pausedAt = e ? Date.parse(e.pausedAt) : 0;
      const paused = e && pausedAt > Math.max(Date.parse(e.resumedAt), configuredAt);
      return {
        name,
        paused: paused ? { reason: e.reason, at: e.pausedAt } : null,
        today: {
          scored: e?.scored ?? 0,
          errors: e?.errors ?? 0,
          skipped: e?.skipped ?? 0,
          overBudget: e?.overBudget ?? 0,
          spentUsd: e?.spent ?? 0,
        },
      };
    });
    const cursor = Date.parse(row.cursor);
    return {
      environment: row.environment,
      config,
      configuredAt: row.configuredAt,
      configuredBy: row.configuredBy,
      cursor: cursor > 0 ? cursor : null,
      spentToday: [...rows.values()].reduce((sum, e) => sum + e.spent, 0),
      evaluators: states,
    };
  });
}
