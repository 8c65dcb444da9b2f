import {
  arrayOf,
  freeObject,
  integer,
  json,
  nullable,
  object,
  pathParam,
  query,
  ref,
  string,
  taggedOperation,
  time,
  windowParams,
  type Feature,
} from './openapi-helpers.js';

const tag = 'changes';
const op = taggedOperation(tag);
const id = pathParam('id', 'Change id (`chg_…`).');

export const changesFeature: Feature = {
  tag: {
    name: tag,
    description:
      'Changes nobody announced, found in the spans every CHANGES_INTERVAL_MS: a model snapshot switched behind a requested model (`model_snapshot`), or spans claiming a prompt version whose captured system prompt that version does not render to, variables aside (`prompt_drift`). Each is published as `change.detected`, drawn on the charts beside deployments, and can be judged before / after like a deployment.',
  },
  schemas: {
    ChangeEvent: object({
      id: string(),
      kind: string(undefined, { enum: ['model_snapshot', 'prompt_drift'] }),
      time: time('When it took effect: the first span showing it.'),
      detectedAt: time(),
      environment: string(),
      prompt: string('prompt_drift: the prompt; model_snapshot: empty (see `prompts`).'),
      version: string('prompt_drift: the version the spans claim.'),
      model: string('model_snapshot: the requested model.'),
      before: string('model_snapshot: the previous response model.'),
      after: string('model_snapshot: the new response model; prompt_drift: the hash of the captured text.'),
      prompts: arrayOf(string(), 'Prompts seen with the change.'),
      exampleTraceId: string(),
      exampleSpanId: string(),
      evidence: freeObject('prompt_drift: `capturedStart` and `difference` {offset, template, captured}.'),
      spans: integer('Spans showing the change, over every scan.'),
      lastSeen: time(),
      description: string('One line for people.'),
    }),
    ChangeArm: object({
      version: nullable(integer()),
      from: time(),
      to: time(),
      requests: integer(),
      description: string(),
    }),
    ChangeAnalysis: object({
      changeId: string(),
      environment: string(),
      prompt: string(),
      version: nullable(integer('The version judged on both sides.')),
      evaluatedAt: time(),
      verdict: string(undefined, { enum: ['pass', 'warn', 'fail', 'inconclusive'] }),
      reason: string(),
      final: { type: 'boolean' },
      baseline: ref('ChangeArm'),
      candidate: ref('ChangeArm'),
      metrics: arrayOf(ref('MetricVerdict')),
    }),
  },
  paths: {
    '/api/v1/changes': {
      get: op({
        id: 'listChanges',
        summary: 'Changes nobody announced, newest first',
        params: [
          query('environment', 'Changes in this environment.'),
          query('prompt', 'Drift of this prompt, and model switches seen answering it.'),
          query('kind', '`model_snapshot` or `prompt_drift`.', {
            type: 'string',
            enum: ['model_snapshot', 'prompt_drift'],
          }),
          ...windowParams('7 days'),
          query('limit', 'Rows, 1–1000 (default 200).', { type: 'integer', minimum: 1, maximum: 1000 }),
        ],
        responses: { 200: json('The changes.', object({ changes: arrayOf(ref('ChangeEvent')) })) },
        errors: [400],
      }),
    },
    '/api/v1/changes/{id}': {
      get: op({
        id: 'getChange',
        summary: 'A change with its evidence',
        params: [id],
        responses: { 200: json('The change.', ref('ChangeEvent')) },
        errors: [404],
      }),
    },
    '/api/v1/changes/{id}/analysis': {
      get: op({
        id: 'analyzeChange',
        summary: 'Judge a change like a deployment',
        description:
          'The window after the change (skipping the first minutes, up to the bake window) against the window of equal length before it, for one prompt and the version live, with the environment’s detector; peer drift is not subtracted.',
        params: [id, query('prompt', 'The prompt to judge (default: the change’s prompt, or the first seen with it).')],
        responses: { 200: json('The analysis.', ref('ChangeAnalysis')) },
        errors: [400, 404],
      }),
    },
  },
};
