import { analysisSchemas } from './analysis-schemas.js';
import {
  arrayOf,
  boolean,
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
  windowParams,
  type Feature,
} from './openapi-helpers.js';

const tag = 'analysis';
const op = taggedOperation(tag);
const required = (name: string, description: string) => query(name, description, { type: 'string' }, true);
const scoreValue = {
  anyOf: [number('', { minimum: 0, maximum: 1 }), boolean()],
  description: 'A number 0..1 or a boolean.',
};

export const analysisFeature: Feature = {
  tag: {
    name: tag,
    description:
      'Metrics correlated with deployments, a statistical verdict for every deployment, regressions, version comparisons, quality scores and offline evaluations.',
  },
  schemas: analysisSchemas,
  paths: {
    '/api/v1/metrics/timeseries': {
      get: op({
        id: 'getTimeseries',
        summary: 'Metrics of an environment + prompt over time, with the deployment events in the window',
        params: [
          required('environment', 'Environment name.'),
          required('prompt', 'Prompt name.'),
          query('version', 'Only this version.'),
          query('model', 'Only this model.'),
          ...windowParams('24 hours'),
          query(
            'step',
            'Bucket size: 1m, 5m, 10m, 15m, 30m, 1h, 3h, 6h or 1d, or the same in seconds (default: the smallest giving at most 500 points; at most 1500 points).',
            {
              type: 'string',
              examples: ['5m', '300'],
            },
          ),
          query('groupBy', 'One series per version or per model.', { type: 'string', enum: ['version', 'model'] }),
        ],
        responses: { 200: json('The series.', ref('Timeseries')) },
        errors: [400],
      }),
    },
    '/api/v1/compare': {
      get: op({
        id: 'compareVersions',
        summary: 'One row per version (optionally per model): live metrics beside offline evaluation results',
        description: 'Send `Accept: text/csv` for a CSV download of the same rows.',
        params: [
          required('environment', 'Environment name.'),
          required('prompt', 'Prompt name.'),
          ...windowParams('7 days'),
          query('groupBy', '`model`: one row per version and model.', { type: 'string', enum: ['model'] }),
        ],
        responses: {
          200: {
            description: 'The comparison.',
            content: {
              'application/json': { schema: ref('Comparison') },
              'text/csv': { schema: { type: 'string' } },
            },
          },
        },
        errors: [400],
      }),
    },
    '/api/v1/deployments/{id}/analysis': {
      get: op({
        id: 'getDeploymentAnalysis',
        summary: 'A deployment’s verdict: baseline and candidate, per-metric tests, history, last known good',
        params: [pathParam('id', 'Deployment event id.')],
        responses: { 200: json('The analysis.', ref('DeploymentAnalysis')) },
        errors: [404],
      }),
    },
    '/api/v1/analyses': {
      get: op({
        id: 'listAnalysisSummaries',
        summary: 'The latest verdict summary of several deployments at once (chart markers)',
        params: [
          query(
            'deployment',
            'A deployment event id; repeat for several (at most 200). Deployments not judged yet are left out.',
            {
              type: 'array',
              items: { type: 'string' },
            },
            true,
          ),
        ],
        responses: { 200: json('The summaries.', object({ analyses: arrayOf(ref('AnalysisSummary')) })) },
        errors: [400],
      }),
    },
    '/api/v1/prompts/{name}/last-good': {
      get: op({
        id: 'getLastKnownGood',
        summary: 'The latest deployment of a prompt in an environment whose final verdict was `pass`',
        params: [pathParam('name', 'Prompt name.'), required('environment', 'Environment name.')],
        responses: {
          200: json(
            'The last known good deployment, or null.',
            object({ prompt: string(), environment: string(), lastKnownGood: nullable(ref('LastKnownGood')) }),
          ),
        },
        errors: [400],
      }),
    },
    '/api/v1/regressions': {
      get: op({
        id: 'listRegressions',
        summary: 'Deployments whose latest verdict is `warn` or `fail`, worst first',
        params: [
          query('environment', 'Environment name.'),
          query('status', '`open` (still live) or `resolved` (replaced since).', {
            type: 'string',
            enum: ['open', 'resolved'],
          }),
          ...windowParams('7 days'),
        ],
        responses: { 200: json('Regressions.', object({ regressions: arrayOf(ref('Regression')) })) },
        errors: [400],
      }),
    },
    '/api/v1/scores': {
      post: op({
        id: 'postScore',
        role: 'scorer',
        summary: 'A quality score for a trace, possibly long after it ran',
        description: 'Attributed to the trace’s generation span, so it counts toward that version’s quality.',
        body: jsonBody(
          input(
            {
              traceId: string('32 hexadecimal characters.', { pattern: '^[0-9a-fA-F]{32}$' }),
              spanId: string('16 hexadecimal characters (default: the trace’s generation span).', {
                pattern: '^[0-9a-fA-F]{16}$',
              }),
              name: string('Score name, at most 100 characters.'),
              value: scoreValue,
              source: string('', { enum: ['user', 'evaluator', 'human'] }),
              comment: string('At most 2000 characters.'),
            },
            ['traceId', 'name', 'value', 'source'],
          ),
        ),
        responses: { 201: json('The stored score.', ref('Score')) },
        errors: [400, 404],
      }),
    },
    '/api/v1/evaluations': {
      post: op({
        id: 'postOfflineEvaluation',
        role: 'deployer',
        summary: 'Offline results of a version on a labelled dataset, item by item',
        body: jsonBody(
          input(
            {
              prompt: string('Prompt name.'),
              version: integer('Version number.', { minimum: 1 }),
              dataset: string('Dataset name.'),
              items: arrayOf(
                input({ id: string(), category: string(), expected: string(), actual: string(), score: scoreValue }, [
                  'id',
                  'score',
                ]),
                '1 to 10,000 items.',
              ),
            },
            ['prompt', 'version', 'items'],
          ),
        ),
        responses: { 201: json('The run with its per-category summary.', ref('OfflineRun')) },
        errors: [400, 404],
      }),
    },
  },
};
