import type { RunComparison } from '../server/experiments/compare-runs.js';
import type { ItemResult } from '../server/experiments/run-results.js';
import type { RunSummary } from '../server/experiments/run-summary.js';
import { callApi, type ClientSettings } from './api-client.js';
import { EXIT, UsageError, type ExitCode } from './exit-codes.js';
import { comparisonTable, runTable } from './eval-table.js';

/**
 * `tracelane eval run`: starts an experiment (a version over a dataset, optionally against a baseline version),
 * and with --wait follows it to the end, prints the per-category table and exits 0 when no category regressed,
 * 2 when one did (3 when the run failed, was cancelled or interrupted).
 */
export interface EvalOptions {
  prompt: string;
  version: number;
  dataset: string;
  baseline?: number;
  connection?: string;
  evaluators?: string[];
  model?: string;
  wait: boolean;
  json: boolean;
}

const enc = encodeURIComponent;
const POLL_MS = 1000;

export async function evalRun(
  settings: ClientSettings,
  o: EvalOptions,
  out: { stdout(t: string): void; stderr(t: string): void },
): Promise<ExitCode> {
  const evaluators = o.evaluators ?? (await previousEvaluators(settings, o));
  const started = await callApi(settings, 'POST', '/experiments', {
    prompt: o.prompt,
    version: o.version,
    dataset: o.dataset,
    evaluators,
    ...(o.baseline !== undefined ? { baselineVersion: o.baseline } : {}),
    ...(o.connection !== undefined ? { connection: o.connection } : {}),
    ...(o.model !== undefined ? { model: o.model } : {}),
  });
  const run = started.body as RunSummary & { baseline: RunSummary | null };
  const runs = [run.id, ...(run.baseline ? [run.baseline.id] : [])];
  out.stderr(
    `started run ${run.id} of ${o.prompt} v${o.version} on ${o.dataset} v${run.datasetVersion}${run.baseline ? ` (baseline run ${run.baseline.id}, v${o.baseline})` : ''}`,
  );
  if (!o.wait) {
    if (o.json) out.stdout(JSON.stringify(run, null, 2));
    return EXIT.ok;
  }
  const finished: RunSummary[] = [];
  for (const id of runs) finished.push(await follow(settings, id, out));
  const failed = finished.find((r) => r.state !== 'completed');
  if (failed) {
    out.stderr(`tracelane: run ${failed.id} ended ${failed.state}${failed.message ? `: ${failed.message}` : ''}`);
    return EXIT.unavailable;
  }
  if (!run.baseline) {
    const { results } = (await callApi(settings, 'GET', `/experiments/${enc(run.id)}/results`)).body as {
      results: ItemResult[];
    };
    out.stdout(o.json ? JSON.stringify({ run: finished[0], results }, null, 2) : runTable(results, evaluators));
    return EXIT.ok;
  }
  const answer = (await callApi(settings, 'GET', `/experiments/${enc(run.id)}/comparison`)).body as {
    comparison: RunComparison;
  };
  out.stdout(
    o.json
      ? JSON.stringify(answer, null, 2)
      : comparisonTable(answer.comparison, { baseline: o.baseline!, candidate: o.version }),
  );
  return answer.comparison.regressions.length > 0 ? EXIT.rejected : EXIT.ok;
}

/** Polls a run until it has finished, telling stderr how far it is every few seconds. */
async function follow(settings: ClientSettings, id: string, out: { stderr(t: string): void }): Promise<RunSummary> {
  let told = 0;
  for (;;) {
    const run = (await callApi(settings, 'GET', `/experiments/${enc(id)}`)).body as RunSummary;
    if (run.state !== 'queued' && run.state !== 'running') return run;
    if (Date.now() - told > 5000) {
      told = Date.now();
      const { done, total, errors, costUsd } = run.progress;
      out.stderr(`run ${id}: ${done}/${total} items, ${errors} failed, $${costUsd.toFixed(4)} spent`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Without --evaluators: the evaluators of the latest run of this prompt on this dataset. */
async function previousEvaluators(settings: ClientSettings, o: EvalOptions): Promise<string[]> {
  const query = new URLSearchParams({ prompt: o.prompt, dataset: o.dataset, limit: '1' });
  const { runs } = (await callApi(settings, 'GET', `/experiments?${query.toString()}`)).body as { runs: RunSummary[] };
  const names = runs[0]?.evaluators.map((e) => e.name);
  if (!names?.length)
    throw new UsageError(
      `no earlier run of ${o.prompt} on ${o.dataset} to take evaluators from: give --evaluators name[,name]`,
    );
  return names;
}
