import { EVALUATOR_TYPES } from '../evaluators/evaluator-spec.js';
import { RUN_STATES } from '../experiments/run-spec.js';
import {
  arrayOf,
  freeObject,
  input,
  integer,
  json,
  jsonBody,
  nullable,
  number,
  object,
  pathParam,
  query,
  ref,
  string,
  taggedOperation,
  time,
  type Feature,
} from './openapi-helpers.js';

const op = taggedOperation('experiments');
const evaluatorOp = taggedOperation('evaluators');
const id = pathParam('id', 'Run id (`run_…`).');
const evaluatorName = pathParam('name', 'Evaluator name.');

const pairedRow = object({
  category: string('The category, or `all` for the pooled row (the primary result).'),
  n: integer('Items both versions answered.'),
  unpaired: integer('Items only one version answered: left out.'),
  baselinePassed: integer('Score ≥ 0.5.'),
  candidatePassed: integer(),
  baselineMean: nullable(number()),
  candidateMean: nullable(number()),
  test: string('', { enum: ['mcnemar', 'wilcoxon'] }),
  worse: integer('McNemar: baseline pass, candidate fail. Wilcoxon: negative differences.'),
  better: integer(),
  pValue: number('Exact two-sided p.'),
  adjustedP: number('Holm-adjusted across categories (the pooled row: its own p).'),
  effect: number('Pass-rate difference (c − b)/n, or the mean score difference.'),
  status: string(
    '`regressed`/`improved`: significant after Holm at α = 0.05; `not_enough_items`: fewer than 6 discordant items (non-zero differences), so no change can be shown.',
    {
      enum: ['regressed', 'improved', 'not_significant', 'not_enough_items', 'unchanged'],
    },
  ),
  summary: string('`billing 4/5 → 2/5: not enough items: …; McNemar exact p = 0.5, …`'),
});
const comparison = object({
  scores: arrayOf(
    object({
      name: string(),
      kind: string('', { enum: ['binary', 'continuous'] }),
      overall: pairedRow,
      categories: arrayOf(pairedRow),
    }),
  ),
  regressions: arrayOf(object({ score: string(), category: string(), summary: string() })),
});

export const evaluatorsFeature: Feature = {
  tag: { name: 'evaluators', description: 'Named evaluators: each writes the score of its name, in [0, 1].' },
  schemas: {
    Evaluator: object({
      name: string('The score it writes.'),
      type: string('', { enum: EVALUATOR_TYPES }),
      description: string(),
      config: freeObject(
        'By type: `exact_match {caseSensitive, trim}`, `json_field {field}`, `regex {pattern, flags}`, `json_valid`, `json_schema {schema?}` (default: the version’s response schema), `numeric {field?, tolerance, relative}`, `llm_judge {prompt, version, connection, model?}` (a registry prompt answering `{"score": 0..1, "reason": "…"}`).',
      ),
      scoreKind: string('`binary` (0/1: McNemar) or `continuous` (Wilcoxon).', { enum: ['binary', 'continuous'] }),
      createdAt: time(),
      createdBy: string(),
      updatedAt: time(),
    }),
  },
  paths: {
    '/api/v1/evaluators': {
      get: evaluatorOp({
        id: 'listEvaluators',
        summary: 'Evaluators by name',
        responses: { 200: json('Evaluators.', object({ evaluators: arrayOf(ref('Evaluator')) })) },
      }),
      post: evaluatorOp({
        id: 'createEvaluator',
        role: 'deployer',
        summary: 'Create an evaluator',
        body: jsonBody(
          input({ name: string(), description: string(), config: freeObject('`{"type": …, …settings}`') }, [
            'name',
            'config',
          ]),
        ),
        responses: { 201: json('The evaluator.', ref('Evaluator')) },
        errors: [400, 404, 409],
      }),
    },
    '/api/v1/evaluators/{name}': {
      get: evaluatorOp({
        id: 'getEvaluator',
        summary: 'One evaluator',
        params: [evaluatorName],
        responses: { 200: json('The evaluator.', ref('Evaluator')) },
        errors: [404],
      }),
      patch: evaluatorOp({
        id: 'updateEvaluator',
        role: 'deployer',
        summary: 'Change an evaluator (runs keep the definition they started with)',
        params: [evaluatorName],
        body: jsonBody(input({ description: string(), config: freeObject() }, [])),
        responses: { 200: json('The evaluator.', ref('Evaluator')) },
        errors: [400, 404],
      }),
      delete: evaluatorOp({
        id: 'deleteEvaluator',
        role: 'deployer',
        summary: 'Delete an evaluator',
        params: [evaluatorName],
        responses: { 204: { description: 'Deleted.' } },
        errors: [404],
      }),
    },
  },
};

export const experimentsFeature: Feature = {
  tag: {
    name: 'experiments',
    description:
      'A prompt version run over a dataset version through a connection, each item rendered with the shared rendering rules and scored by evaluators; compared per category with a baseline run by an exact paired test (McNemar for pass/fail, Wilcoxon signed-rank for continuous scores), Holm across categories. Runs are append-only state events: they survive a restart (resumed at start-up) and are never recorded as completed before every item is. SSE: `experiment.started`, `experiment.progress` (at most once a second), `experiment.finished`.',
  },
  schemas: {
    ExperimentRun: object({
      id: string(),
      state: string('', { enum: RUN_STATES }),
      message: string('Why it failed, was cancelled or interrupted; items that failed.'),
      prompt: string(),
      version: integer(),
      dataset: string(),
      datasetVersion: integer(),
      connection: string(),
      model: string(),
      evaluators: arrayOf(object({ name: string(), type: string(), scoreKind: string() })),
      baselineRunId: nullable(string()),
      actor: string(),
      createdAt: time(),
      startedAt: nullable(time()),
      updatedAt: time(),
      progress: object({
        total: integer(),
        done: integer('Items finished, answered or failed.'),
        errors: integer('Items that failed (no output).'),
        costUsd: number('Spend so far.'),
        etaMs: nullable(integer('Time left at the current pace.')),
      }),
    }),
    ExperimentItemResult: object({
      itemId: string(),
      category: string(),
      input: string('The rendered messages (JSON).'),
      expected: {},
      output: string(),
      error: string('Why the item has no output; empty when answered.'),
      scores: arrayOf(
        object({ name: string(), score: nullable(number()), reason: string(), error: string() }, ['reason', 'error']),
      ),
      latencyMs: integer(),
      inputTokens: nullable(integer()),
      outputTokens: nullable(integer()),
      costUsd: nullable(number()),
      traceId: string('The trace of the item (model and judge calls) in GET /api/v1/traces/{traceId}.'),
      finishedAt: time(),
    }),
    ExperimentComparison: comparison,
  },
  paths: {
    '/api/v1/experiments': {
      get: op({
        id: 'listExperimentRuns',
        summary: 'Experiment runs, newest first',
        params: [
          query('prompt', 'Only this prompt.'),
          query('dataset', 'Only this dataset.'),
          query('limit', '1–1000 (default 100).', { type: 'integer' }),
        ],
        responses: { 200: json('Runs.', object({ runs: arrayOf(ref('ExperimentRun')) })) },
        errors: [400],
      }),
      post: op({
        id: 'startExperimentRun',
        role: 'deployer',
        summary: 'Run a version over a dataset (and a baseline version, reusing a completed identical run)',
        body: jsonBody(
          input(
            {
              prompt: string(),
              version: integer(),
              dataset: string(),
              baselineVersion: integer(),
              connection: string('Needed when more than one connection exists.'),
              model: string('Another model than the version’s own.'),
              evaluators: arrayOf(string(), 'Evaluator names, 1–20.'),
            },
            ['prompt', 'version', 'dataset', 'evaluators'],
          ),
        ),
        responses: {
          201: json('The run, with its baseline run.', {
            allOf: [ref('ExperimentRun'), object({ baseline: nullable(ref('ExperimentRun')) })],
          }),
        },
        errors: [400, 404],
      }),
    },
    '/api/v1/experiments/check': {
      get: op({
        id: 'checkExperiment',
        summary: 'Did a version pass a dataset against a baseline version? (for release gates)',
        description:
          'The latest completed run of `version` on `dataset` whose baseline is a completed run of `baselineVersion`. `passed` is null when there is none.',
        params: [
          query('prompt', 'Prompt name.', { type: 'string' }, true),
          query('version', 'Candidate version.', { type: 'integer' }, true),
          query('dataset', 'Dataset name.', { type: 'string' }, true),
          query('baselineVersion', 'Baseline version.', { type: 'integer' }, true),
        ],
        responses: {
          200: json(
            'The answer.',
            object({
              passed: { type: ['boolean', 'null'] },
              run: nullable(ref('ExperimentRun')),
              regressions: arrayOf(object({ score: string(), category: string(), summary: string() })),
            }),
          ),
        },
        errors: [400],
      }),
    },
    '/api/v1/experiments/{id}': {
      get: op({
        id: 'getExperimentRun',
        summary: 'A run with its progress',
        params: [id],
        responses: { 200: json('The run.', ref('ExperimentRun')) },
        errors: [404],
      }),
    },
    '/api/v1/experiments/{id}/results': {
      get: op({
        id: 'getExperimentResults',
        summary: 'Per-item results of a run',
        params: [id],
        responses: {
          200: json(
            'Results by category and item.',
            object({ runId: string(), results: arrayOf(ref('ExperimentItemResult')) }),
          ),
        },
        errors: [404],
      }),
    },
    '/api/v1/experiments/{id}/comparison': {
      get: op({
        id: 'getExperimentComparison',
        summary: 'The run against its baseline run, per score and category',
        params: [id],
        responses: {
          200: json(
            'The comparison; `complete` is false while either run is still going.',
            object({
              runId: string(),
              baselineRunId: string(),
              complete: { type: 'boolean' },
              comparison: ref('ExperimentComparison'),
            }),
          ),
        },
        errors: [404],
      }),
    },
    '/api/v1/experiments/{id}/cancel': {
      post: op({
        id: 'cancelExperimentRun',
        role: 'deployer',
        summary: 'Cancel a queued or running run',
        params: [id],
        responses: { 200: json('The run.', ref('ExperimentRun')) },
        errors: [404],
      }),
    },
  },
};
