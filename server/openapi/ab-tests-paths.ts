import { METRIC_NAMES } from '../stats/index.js';
import {
  arrayOf,
  boolean,
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
import { environmentNameSchema, promptNameSchema, reasonSchema } from './registry-schemas.js';

const tag = 'ab-tests';
const op = taggedOperation(tag);
const id = pathParam('id', 'A/B test id.');
const view = (description: string) => json(description, ref('AbTest'));
const reasonOnly = jsonBody(input({ reason: reasonSchema }, []), false);

const result = object({
  computedAt: time(),
  final: boolean('False while the test runs: interim figures, never a winner.'),
  window: object({ from: time(), to: time() }),
  requests: arrayOf(object({ version: integer(), n: integer() })),
  primary: object({
    metric: string(),
    goal: string('', { enum: ['increase', 'decrease'] }),
    verdict: freeObject(
      'outcome (winner, no_difference, insufficient), winner, runnerUp, effect {diff, ci, relative} against the runner-up, variants {version, n, mean}, pairwise comparisons (Welch, Bonferroni), detectable (the smallest difference detectable with 80% power), pairAlpha.',
    ),
  }),
  guardrails: arrayOf(object({ metric: string(), verdict: string(), reason: string() })),
  decision: string('', { enum: ['ship', 'keep', 'guardrail_failed', 'no_difference', 'insufficient', 'running'] }),
  winner: nullable(integer('The version to ship (decision `ship`).')),
  summary: string('One line for people, with the effect and its interval.'),
});

export const abTestsFeature: Feature = {
  tag: {
    name: tag,
    description:
      'A/B tests: two to five versions served side by side (sticky per key, equal shares of `percent` of the lane’s traffic; arm `test:<name>`; the first version is the control) for a declared time and/or sample size, compared on a primary metric (a named score, quality, cost, latency, error rate, tokens) with guardrail metrics. A version wins only when it is significantly better than every other one (Welch, Bonferroni); otherwise the result says there is no detectable difference at the traffic seen, with the difference that could have been detected. Shipping the winner is a deploy (a review request in a protected environment); `autoShip` does it when the test ends.',
  },
  schemas: {
    AbResult: result,
    AbTest: object({
      id: string(),
      name: string(),
      prompt: string(),
      environment: string(),
      definition: freeObject('The definition as started (see the POST body).'),
      status: string('', { enum: ['running', 'ended', 'shipped'] }),
      startedAt: time(),
      startedBy: string(),
      endedAt: nullable(time()),
      endedBy: nullable(string()),
      endReason: nullable(string()),
      result: nullable(ref('AbResult')),
      shipped: nullable(
        object({
          deploymentId: string('A deployment id, or `request:<id>` for a review request.'),
          actor: string(),
          time: time(),
        }),
      ),
      events: arrayOf(freeObject()),
      live: ref('AbResult'),
    }),
  },
  paths: {
    '/api/v1/ab-tests': {
      post: op({
        id: 'startAbTest',
        role: 'deployer',
        summary: 'Start an A/B test',
        description:
          'One running test per prompt and environment, not beside a canary or ramp (409). In a protected environment every version must have served there, unless an admin starts it (403 `review_required`).',
        body: jsonBody(
          input(
            {
              prompt: promptNameSchema,
              environment: environmentNameSchema,
              name: string('Lower-case letters, digits, `. _ -`; unique in the lane.', { maxLength: 64 }),
              description: string('', { maxLength: 2000 }),
              versions: arrayOf(integer(), '2–5 distinct versions; the first is the control.'),
              percent: number('Share of the lane’s traffic in the test (default 100).'),
              primaryMetric: string(
                '`quality`, `cost_per_request`, `latency_ms`, `error_rate`, `input_tokens`, `output_tokens` or `score:<name>`.',
              ),
              guardrails: arrayOf(string('', { enum: [...METRIC_NAMES] }), 'Default error_rate, latency_p95.'),
              maxMinutes: integer('End after this many minutes (1–43200).'),
              samplesPerVariant: integer('End once every version has this many samples of the primary metric (≥ 100).'),
              alpha: number('Family-wise significance level, 0.001–0.2 (default 0.05).'),
              autoShip: boolean('Ship the winner when the test ends with decision `ship`.'),
              reason: reasonSchema,
            },
            ['prompt', 'environment', 'name', 'versions', 'primaryMetric'],
          ),
        ),
        responses: { 201: view('The running test.') },
        errors: [400, 404, 409],
      }),
      get: op({
        id: 'listAbTests',
        summary: 'A/B tests, newest first',
        params: [
          query('prompt', 'Prompt name.', promptNameSchema),
          query('environment', 'Environment name.', environmentNameSchema),
          query('status', 'running, ended or shipped.', { type: 'string', enum: ['running', 'ended', 'shipped'] }),
        ],
        responses: { 200: json('Tests (without live results).', object({ tests: arrayOf(freeObject()) })) },
        errors: [400],
      }),
    },
    '/api/v1/ab-tests/{id}': {
      get: op({
        id: 'getAbTest',
        summary: 'An A/B test with its result (interim while it runs)',
        params: [id],
        responses: { 200: view('The test.') },
        errors: [404],
      }),
    },
    '/api/v1/ab-tests/{id}/stop': {
      post: op({
        id: 'stopAbTest',
        role: 'deployer',
        summary: 'End a running test now, with its final result',
        params: [id],
        body: reasonOnly,
        responses: { 200: view('The ended test.') },
        errors: [400, 404, 409],
      }),
    },
    '/api/v1/ab-tests/{id}/ship': {
      post: op({
        id: 'shipAbTest',
        role: 'deployer',
        summary: 'Deploy the winner of an ended test',
        description: '409 when the result has no version to ship (no difference, a guardrail, the control won).',
        params: [id],
        body: reasonOnly,
        responses: { 200: view('The shipped test.') },
        errors: [400, 404, 409],
      }),
    },
  },
};
