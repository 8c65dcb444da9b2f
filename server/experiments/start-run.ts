import { z } from 'zod';
import { findConnection, listConnections } from '../connections/connection-table.js';
import { requireDataset } from '../datasets/dataset-service.js';
import { evaluatorName } from '../evaluators/evaluator-spec.js';
import { listEvaluators } from '../evaluators/evaluator-table.js';
import { badRequest, notFound } from '../http/errors.js';
import { nameSchema, promptName, versionNumber } from '../registry/names.js';
import { requireVersion } from '../registry/prompt-service.js';
import type { Store } from '../store/store.js';
import type { Experiments } from './experiments.js';
import { listRuns, type RunRecord } from './run-events.js';
import type { RunSpec } from './run-spec.js';

export const startBody = z.strictObject({
  prompt: promptName,
  version: versionNumber,
  dataset: nameSchema(200),
  /** Also run (or reuse a completed run of) this version on the same dataset version, and compare with it. */
  baselineVersion: versionNumber.optional(),
  /** Connection name; may be left out when exactly one connection exists. */
  connection: nameSchema(64).optional(),
  /** Model to ask instead of the version's own. */
  model: z.string().min(1).max(200).optional(),
  evaluators: z.array(evaluatorName).min(1, 'must name at least one evaluator').max(20),
});

export type StartBody = z.infer<typeof startBody>;

/**
 * Checks a run request against the registry, datasets, connections and evaluators, then queues the candidate run
 * and — with a baseline version — a baseline run on the same dataset version, unless a completed one with the same
 * connection, model and evaluators can be reused.
 */
export async function startRun(store: Store, experiments: Experiments, body: StartBody, actor: string) {
  if (body.baselineVersion === body.version)
    throw badRequest('baselineVersion: must differ from version', 'baselineVersion');
  const version = await requireVersion(store, body.prompt, body.version);
  const baseline =
    body.baselineVersion === undefined
      ? undefined
      : await requireVersion(store, body.prompt, body.baselineVersion, 'baselineVersion');
  const dataset = await requireDataset(store, body.dataset);
  if (dataset.items === 0) throw badRequest(`dataset: dataset "${body.dataset}" has no items`, 'dataset');
  const connection = await chooseConnection(store, body.connection);
  const found = await listEvaluators(store, body.evaluators);
  const evaluators = body.evaluators.map((name, i) => {
    const e = found.find((f) => f.name === name);
    if (!e) throw notFound(`evaluators.${i}: evaluator "${name}" does not exist`, `evaluators.${i}`);
    return { name: e.name, description: e.description, config: e.config };
  });
  const spec = (v: number, model: string, baselineRunId: string): RunSpec => ({
    prompt: body.prompt,
    version: v,
    dataset: dataset.name,
    datasetVersion: dataset.version,
    items: dataset.items,
    connection,
    model,
    evaluators,
    baselineRunId,
  });
  let baselineRun: RunRecord | undefined;
  if (baseline) {
    const wanted = spec(baseline.version, body.model ?? baseline.model, '');
    baselineRun = (await reusableRun(store, wanted)) ?? (await experiments.start(wanted, actor));
  }
  const run = await experiments.start(spec(version.version, body.model ?? version.model, baselineRun?.id ?? ''), actor);
  return { run, baselineRun };
}

async function chooseConnection(store: Store, name: string | undefined): Promise<string> {
  if (name !== undefined) {
    if (!(await findConnection(store, name)))
      throw notFound(`connection: connection "${name}" does not exist`, 'connection');
    return name;
  }
  const all = await listConnections(store);
  if (all.length === 1) return all[0]!.name;
  if (all.length === 0)
    throw badRequest(
      'connection: no model connection exists; an admin creates one under Settings → Model connections',
      'connection',
    );
  throw badRequest(`connection: name one of ${all.map((c) => c.name).join(', ')}`, 'connection');
}

/** A completed run that did exactly what `spec` asks (same dataset version, connection, model and evaluators). */
async function reusableRun(store: Store, spec: RunSpec): Promise<RunRecord | undefined> {
  const runs = await listRuns(store, { prompt: spec.prompt, dataset: spec.dataset, states: ['completed'], limit: 200 });
  const same = (r: RunRecord) =>
    r.spec.version === spec.version &&
    r.spec.datasetVersion === spec.datasetVersion &&
    r.spec.connection === spec.connection &&
    r.spec.model === spec.model &&
    JSON.stringify(r.spec.evaluators) === JSON.stringify(spec.evaluators);
  return runs.find(same);
}
