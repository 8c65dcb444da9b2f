import { metricValues, offlineRun } from './analysis-schemas.js';
import {
  arrayOf,
  boolean,
  freeObject,
  input,
  integer,
  json,
  jsonBody,
  nullable,
  object,
  pathParam,
  query,
  ref,
  string,
  time,
  taggedOperation,
  type Feature,
} from './openapi-helpers.js';
import { environmentNameSchema } from './registry-schemas.js';

const tag = 'workbench';
const op = taggedOperation(tag);
const name = pathParam('name', 'Prompt name (`/` encoded as `%2F`).');
const refForms =
  'A version number (`3`), an environment name (its live version), `draft:<author>` (a draft) or `pass:<environment>` (the last version whose final verdict there was `pass`).';
const VERDICTS = ['pass', 'warn', 'fail', 'inconclusive'];

const side = object({
  ref: string('The reference as given.'),
  label: string('How a person reads it: `v3`, `production (v2)`, `draft by alice`, `last pass in production (v1)`.'),
  version: nullable(integer('Null for a draft.')),
  environment: nullable(string('The environment the reference names.')),
  draftAuthor: nullable(string()),
  live: nullable(
    object(
      { environment: string(), version: integer(), from: time(), to: time(), ...metricValues },
      [],
      'This version’s traffic in `environment` over the window (null for a draft, or without traffic).',
    ),
  ),
  offline: nullable(offlineRun),
});

const diffFields = {
  identical: boolean(),
  changes: freeObject('The structured diff, as in `VersionDiff.changes`.'),
};

export const workbenchFeature: Feature = {
  tag: {
    name: tag,
    description:
      'Authoring and review aids: the rendered messages of a version, environment or draft; comparisons with live figures and offline results; the evidence of a review request.',
  },
  schemas: {
    CompareSide: side,
    PromptComparison: object({
      prompt: string(),
      window: object({ from: time(), to: time() }),
      from: ref('CompareSide'),
      to: ref('CompareSide'),
      ...diffFields,
    }),
    RenderedPrompt: object({
      prompt: string(),
      version: nullable(integer()),
      environment: nullable(string()),
      draft: nullable(string('The author, when a draft was rendered.')),
      provider: string(),
      model: string(),
      settings: freeObject(),
      messages: arrayOf(freeObject('A message with its placeholders filled in.')),
      unusedValues: arrayOf(string(), 'Given values that no placeholder uses.'),
    }),
    ReviewEvidence: object({
      request: ref('DeploymentRequest'),
      asOf: time(
        'What the evidence describes: now for a pending request; for a decided one its decision (what was live then, the verdicts known then, the figures of the day before).',
      ),
      comparison: nullable(ref('PromptComparison')),
      candidate: ref('CompareSide'),
      previous: nullable(
        object({
          environment: string('The environment before the target in display order.'),
          deploymentId: nullable(string('The candidate’s latest deployment there.')),
          deployedAt: nullable(time()),
          verdict: nullable(string('', { enum: VERDICTS })),
          final: boolean(),
          reason: nullable(string()),
          evaluatedAt: nullable(time()),
        }),
      ),
      gate: nullable(
        freeObject(
          'The target’s release gate on the candidate (null without one): `dataset`, `maxDrop`, `liveVersion`, `runId` (the run read, null when none), `message` (why it refuses; null when it passes), `findings` and `comparison` (the run against its baseline, per category).',
        ),
      ),
    }),
  },
  paths: {
    '/api/v1/prompts/{name}/render': {
      post: op({
        id: 'renderPrompt',
        summary: 'The exact messages the model would receive, with variable values filled in',
        description:
          'Give exactly one of `version`, `environment` (its live version) or `draft` (an author). A placeholder with no value (given, default, or optional) is a 400 naming it as `variables.<name>`, with all missing names in `missing`. Values that are not strings are inserted as JSON.',
        params: [name],
        body: jsonBody(
          input(
            {
              version: integer('', { minimum: 1 }),
              environment: environmentNameSchema,
              draft: string('The author whose draft to render.'),
              variables: freeObject('Variable values by name.'),
            },
            [],
          ),
        ),
        responses: { 200: json('The rendered prompt.', ref('RenderedPrompt')) },
        errors: [400, 404],
      }),
    },
    '/api/v1/prompts/{name}/compare': {
      get: op({
        id: 'comparePrompt',
        summary: 'Compare two sides of a prompt: diff, live figures and offline results',
        description:
          'Each side is measured in the environment it names, else in `environment` (default: the primary environment), over the last `window`.',
        params: [
          name,
          query('from', refForms, { type: 'string' }, true),
          query('to', refForms, { type: 'string' }, true),
          query('environment', 'Where a bare version is measured (default: the primary environment).'),
          query('window', 'The live figures’ window, ending now (default 24h).', {
            type: 'string',
            enum: ['1h', '24h', '7d', '30d'],
          }),
        ],
        responses: { 200: json('The comparison.', ref('PromptComparison')) },
        errors: [400, 404],
      }),
    },
    '/api/v1/deployments/requests/{id}/evidence': {
      get: op({
        id: 'getReviewEvidence',
        summary:
          'What a reviewer needs: the candidate against what is live (as of the decision once decided), and its verdict one environment earlier',
        params: [pathParam('id', 'Review request id.')],
        responses: { 200: json('The evidence.', ref('ReviewEvidence')) },
        errors: [404],
      }),
    },
  },
};
