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
  ref,
  string,
  taggedOperation,
  time,
  type Feature,
} from './openapi-helpers.js';

const op = taggedOperation('online-evaluations');
const environment = pathParam('environment', 'Environment name.');
const evaluator = pathParam('name', 'Evaluator name.');

const config = {
  enabled: boolean('Off: nothing is scored; the cursor resumes from the next configuration.'),
  evaluators: arrayOf(string(), 'Evaluators that need no expected output (1 to 10).'),
  sampleRate: number('Share of traces scored, (0, 1]: decided by a hash of the trace id, the same for every version.'),
  maxPerMinute: integer('Generations scored per minute of traffic at most (the sampled ones with the lowest hashes).'),
  dailyBudgetUsd: number('Judge spend per UTC day at most (the model client’s recorded cost); 0: no judge calls.'),
};

export const onlineEvaluationsFeature: Feature = {
  tag: {
    name: 'online-evaluations',
    description:
      'Evaluators scoring a sample of an environment’s production generations; their scores are named scores of the spans, so verdicts, charts and comparisons use them.',
  },
  schemas: {
    OnlineEvaluation: object({
      environment: string(),
      config: object(config),
      configuredAt: time(),
      configuredBy: string(),
      cursor: nullable(integer('Epoch ms: traffic before this minute has been scored.')),
      spentToday: number('Judge spend of the current UTC day, USD.'),
      evaluators: arrayOf(
        object({
          name: string(),
          paused: nullable(
            object(
              { reason: string('The unrecoverable error (bad connection, 401, …).'), at: time() },
              [],
              'Paused until resumed or configured again.',
            ),
          ),
          today: object({
            scored: integer(),
            errors: integer('Failures after the model client’s retries.'),
            skipped: integer('Spans without a captured completion.'),
            overBudget: integer('Judge calls left out: the daily budget was reached.'),
            spentUsd: number(),
          }),
        }),
      ),
    }),
  },
  paths: {
    '/api/v1/online-evaluations': {
      get: op({
        id: 'listOnlineEvaluations',
        summary: 'The online evaluation of every configured environment, with today’s figures',
        responses: { 200: json('Environments.', object({ environments: arrayOf(ref('OnlineEvaluation')) })) },
      }),
    },
    '/api/v1/online-evaluations/{environment}': {
      get: op({
        id: 'getOnlineEvaluation',
        summary: 'One environment’s online evaluation',
        params: [environment],
        responses: { 200: json('The state.', ref('OnlineEvaluation')) },
      }),
      put: op({
        id: 'configureOnlineEvaluation',
        role: 'admin',
        summary: 'Configure an environment’s online evaluation (recorded with its author; resumes paused evaluators)',
        params: [environment],
        body: jsonBody(input(config, ['evaluators', 'sampleRate', 'maxPerMinute', 'dailyBudgetUsd'])),
        responses: { 200: json('The state.', ref('OnlineEvaluation')) },
      }),
    },
    '/api/v1/online-evaluations/{environment}/evaluators/{name}/resume': {
      post: op({
        id: 'resumeOnlineEvaluator',
        role: 'admin',
        summary: 'Resume a paused online evaluator (after fixing its connection or judge)',
        params: [environment, evaluator],
        responses: { 200: json('The state.', ref('OnlineEvaluation')) },
      }),
    },
  },
};
