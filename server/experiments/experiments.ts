import { randomUUID } from 'node:crypto';
import type { EventBus } from '../events/event-bus.js';
import { appendRunEvent, findRun, listRuns, type RunRecord } from './run-events.js';
import { executeRun, type ExecutorDeps } from './run-executor.js';
import { LiveProgress } from './run-progress.js';
import type { RunSpec, RunState } from './run-spec.js';
import { summarize } from './run-summary.js';

/** How often, at most, a running experiment publishes `experiment.progress`. */
const PROGRESS_EVERY_MS = 1000;

export interface Experiments {
  /** Queues a run and starts it in the background. */
  start(spec: RunSpec, actor: string): Promise<RunRecord>;
  /** Cancels a queued or running run; returns its record after the cancellation is recorded. */
  cancel(id: string, actor: string): Promise<RunRecord | undefined>;
  /** Live progress of a run executing in this process. */
  live(id: string): LiveProgress | undefined;
  /** Resumes the runs left queued or running by a previous process (called at start-up). */
  resumeUnfinished(): Promise<number>;
  /** Stops executing (shutdown): items in flight are abandoned unrecorded, the runs stay `running` and resume later. */
  stop(): Promise<void>;
}

interface Active {
  controller: AbortController;
  progress: LiveProgress;
  cancelledBy: string | undefined;
  done: Promise<void>;
}

export function createExperiments(deps: ExecutorDeps & { bus: EventBus }): Experiments {
  const active = new Map<string, Active>();
  let stopping = false;

  const publish = (type: string, run: RunRecord, progress: LiveProgress) => {
    try {
      deps.bus.publish(type, { ...summarize(run, progress.snapshot()) });
    } catch (err) {
      deps.log.error('event subscriber failed', { type, error: String(err) });
    }
  };

  const record = async (run: RunRecord, state: RunState, message: string, actor = run.actor): Promise<RunRecord> => {
    const seq = run.seq + 1;
    await appendRunEvent(deps.store, { runId: run.id, seq, state, spec: run.spec, message, actor });
    const now = new Date().toISOString();
    return {
      ...run,
      seq,
      state,
      message,
      updatedAt: now,
      startedAt: run.startedAt ?? (state === 'running' ? now : null),
    };
  };

  const launch = (queued: RunRecord, resumed: boolean) => {
    const progress = new LiveProgress(queued.spec.items);
    const entry: Active = {
      controller: new AbortController(),
      progress,
      cancelledBy: undefined,
      done: Promise.resolve(),
    };
    active.set(queued.id, entry);
    entry.done = (async () => {
      let run = await record(queued, 'running', resumed ? 'resumed after a restart' : '');
      publish('experiment.started', run, progress);
      let lastPublished = 0;
      const onItem = () => {
        if (Date.now() - lastPublished < PROGRESS_EVERY_MS) return;
        lastPublished = Date.now();
        publish('experiment.progress', run, progress);
      };
      const outcome = await executeRun(deps, run, progress, entry.controller.signal, onItem);
      if (outcome.state === 'aborted') {
        if (entry.cancelledBy === undefined) return; // shutting down: stays running, resumed at the next start
        run = await record(run, 'cancelled', `cancelled by ${entry.cancelledBy}`, entry.cancelledBy);
      } else {
        run = await record(run, outcome.state, outcome.message);
      }
      publish('experiment.finished', run, progress);
    })()
      .catch(async (err: unknown) => {
        deps.log.error('experiment run failed', {
          runId: queued.id,
          error: err instanceof Error ? (err.stack ?? err.message) : String(err),
        });
        if (stopping) return;
        const latest = await findRun(deps.store, queued.id).catch(() => undefined);
        if (latest) await record(latest, 'failed', 'internal error; see the server log').catch(() => undefined);
      })
      .finally(() => active.delete(queued.id));
  };

  return {
    start: async (spec, actor) => {
      const run: RunRecord = {
        id: `run_${randomUUID()}`,
        spec,
        state: 'queued',
        message: '',
        actor,
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
        startedAt: null,
        seq: 0,
      };
      await appendRunEvent(deps.store, { runId: run.id, seq: 0, state: 'queued', spec, message: '', actor });
      if (!stopping) launch(run, false);
      return run;
    },
    cancel: async (id, actor) => {
      const entry = active.get(id);
      if (entry) {
        entry.cancelledBy = actor;
        entry.controller.abort();
        await entry.done;
        return findRun(deps.store, id);
      }
      const run = await findRun(deps.store, id);
      if (!run || (run.state !== 'queued' && run.state !== 'running')) return run;
      return record(run, 'cancelled', `cancelled by ${actor}`, actor);
    },
    live: (id) => active.get(id)?.progress,
    resumeUnfinished: async () => {
      const runs = await listRuns(deps.store, { states: ['queued', 'running'] });
      for (const run of runs.reverse()) if (!active.has(run.id)) launch(run, true);
      if (runs.length > 0) deps.log.info('experiment runs resumed', { runs: runs.length });
      return runs.length;
    },
    stop: async () => {
      stopping = true;
      for (const entry of active.values()) entry.controller.abort();
      await Promise.all([...active.values()].map((e) => e.done));
    },
  };
}
