import type { Config } from '../config.js';
import { needsExpected, type EvaluatorDefinition } from '../evaluators/evaluator-spec.js';
import { listEvaluators } from '../evaluators/evaluator-table.js';
import { judgeAsker } from '../experiments/judge.js';
import type { Logger } from '../log.js';
import type { ModelClient } from '../models/model-client.js';
import { findVersion } from '../registry/version-queries.js';
import type { Store } from '../store/store.js';
import { evaluateSpans, onlineActor, type EvaluatorOutcome } from './evaluate-spans.js';
import { appendOnlineEvents, loadOnlineStates, type OnlineEvent, type OnlineState } from './online-events.js';
import { alreadyScored, sampledSpans, type SampledSpan } from './sampled-spans-query.js';

const MIN = 60_000;
/** Minutes of traffic one run scores per environment at most (a backlog is worked off over several runs). */
const MAX_MINUTES_PER_RUN = 10;
/** After a long stop, only the last hour of traffic is scored. */
const BACKFILL_MS = 60 * MIN;

export interface OnlineEvaluationDeps {
  config: Pick<Config, 'ONLINE_EVAL_INTERVAL_MS' | 'ONLINE_EVAL_SETTLE_MS'>;
  store: Store;
  models: ModelClient;
  log: Logger;
  /** Epoch ms deciding which minutes of traffic are due; injectable so tests control time. Events use the wall clock. */
  now?: () => number;
}

export interface OnlineEvaluation {
  /** Scores what is due in every configured environment, once; runs are serialised. */
  runNow(): Promise<void>;
  /** Stops scheduling and waits for a run in progress. */
  stop(): Promise<void>;
}

const floorMinute = (ms: number) => Math.floor(ms / MIN) * MIN;

/**
 * The online evaluation loop: every ONLINE_EVAL_INTERVAL_MS, for each environment whose online evaluation is on,
 * the minutes of traffic since its cursor that ended ONLINE_EVAL_SETTLE_MS ago are sampled and scored, the scores
 * written as named scores of their spans (`scores`, so verdicts, charts and the compare table use them), and the
 * progress recorded as events. Its state lives only in those events: a restart continues after the latest cursor,
 * and spans scored before an interruption are not scored twice.
 */
export function startOnlineEvaluation(deps: OnlineEvaluationDeps): OnlineEvaluation {
  const { store, log } = deps;
  const clock = deps.now ?? Date.now;
  /** Cursors reached in this process (a run without sampled spans records none). */
  const cursors = new Map<string, number>();
  /** The largest judge call cost seen per environment: the expected cost of the next call. */
  const callCosts = new Map<string, number>();
  const abort = new AbortController();

  async function runEnvironment(state: OnlineState, now: number, askJudge: ReturnType<typeof judgeAsker>) {
    const environment = state.environment;
    const from = Math.max(
      state.cursor ?? 0,
      cursors.get(environment) ?? 0,
      floorMinute(Date.parse(state.configuredAt)),
      floorMinute(now - BACKFILL_MS),
    );
    const to = Math.min(floorMinute(now - deps.config.ONLINE_EVAL_SETTLE_MS), from + MAX_MINUTES_PER_RUN * MIN);
    if (to <= from) return;
    const events: OnlineEvent[] = [];
    const pause = (evaluator: string, reason: string) => {
      events.push({ environment, evaluator, kind: 'paused', time: Date.now(), reason: reason.slice(0, 1000) });
      log.warn('online evaluator paused', { environment, evaluator, reason });
    };
    const running = state.evaluators.filter((e) => !e.paused).map((e) => e.name);
    const found = new Map((await listEvaluators(store, running)).map((d) => [d.name, d]));
    const usable: EvaluatorDefinition[] = [];
    for (const name of running) {
      const definition = found.get(name);
      if (!definition) pause(name, `evaluator "${name}" does not exist`);
      else if (needsExpected(definition.config)) {
        pause(name, `a ${definition.config.type} evaluator needs an expected output, which live traffic has not`);
      } else usable.push(definition);
    }
    const spans = usable.length === 0 ? [] : await sampledSpans(store, { environment, from, to, ...sampling(state) });
    const budget = {
      limitUsd: state.config.dailyBudgetUsd,
      spentUsd: state.spentToday,
      callCostUsd: callCosts.get(environment) ?? 0,
    };
    const { rows, outcomes } = await evaluateSpans({
      environment,
      spans,
      evaluators: usable,
      done: await alreadyScored(
        store,
        environment,
        spans,
        usable.map((d) => onlineActor(d.name)),
      ),
      responseSchema: schemaLookup(store),
      askJudge,
      budget,
      signal: abort.signal,
    });
    callCosts.set(environment, budget.callCostUsd);
    if (rows.length > 0) await store.insert('scores', rows);
    if (abort.signal.aborted) return; // stopping: these minutes are scored again at the next start, without duplicates
    const time = Date.now();
    for (const [evaluator, o] of outcomes) {
      if (spans.length > 0) events.push({ environment, evaluator, kind: 'progress', time, cursor: to, ...counts(o) });
      if (o.pause !== null) pause(evaluator, o.pause);
      if (o.overBudget > 0) log.info('online evaluation: daily judge budget reached', { environment, evaluator });
    }
    await appendOnlineEvents(store, events);
    cursors.set(environment, to);
  }

  async function run(): Promise<void> {
    const now = clock();
    const askJudge = judgeAsker(store, deps.models); // connections and judge prompts read afresh every run
    for (const state of await loadOnlineStates(store, Date.now())) {
      if (!state.config.enabled || abort.signal.aborted) continue;
      try {
        await runEnvironment(state, now, askJudge);
      } catch (err) {
        log.error('online evaluation failed', { environment: state.environment, error: String(err) });
      }
    }
  }

  let running: Promise<void> = Promise.resolve();
  const runNow = () => {
    const next = running.then(run, run);
    running = next.catch(() => undefined);
    return next;
  };
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      runNow()
        .catch((err: unknown) => log.error('online evaluation loop failed', { error: String(err) }))
        .finally(schedule);
    }, deps.config.ONLINE_EVAL_INTERVAL_MS);
    timer.unref();
  };
  schedule();
  return {
    runNow,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      abort.abort();
      await running;
    },
  };
}

const sampling = (state: OnlineState) => ({ rate: state.config.sampleRate, maxPerMinute: state.config.maxPerMinute });

const counts = (o: EvaluatorOutcome) => ({
  scored: o.scored,
  errors: o.errors,
  skipped: o.skipped,
  overBudget: o.overBudget,
  spentUsd: o.spentUsd,
});

/** The response schema of a span's prompt version (numeric versions only), looked up once per run. */
function schemaLookup(store: Store) {
  const cache = new Map<string, Promise<Record<string, unknown> | null>>();
  return (span: SampledSpan) => {
    if (!/^\d+$/.test(span.version)) return Promise.resolve(null);
    const key = `${span.prompt}\u0000${span.version}`;
    if (!cache.has(key)) {
      cache.set(
        key,
        findVersion(store, span.prompt, Number(span.version)).then((v) => v?.responseSchema ?? null),
      );
    }
    return cache.get(key) as Promise<Record<string, unknown> | null>;
  };
}
