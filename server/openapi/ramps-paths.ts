import {
  arrayOf,
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

const tag = 'ramps';
const op = taggedOperation(tag);
const id = pathParam('id', 'Ramp id: the id of its first step (a `canary_start` deployment event).');
const event = (description: string) => json(description, ref('DeploymentEvent'));
const reasonOnly = jsonBody(input({ reason: reasonSchema }, []), false);

const action = (operationId: string, summary: string, description: string) =>
  op({
    id: operationId,
    role: 'deployer',
    summary,
    description,
    params: [id],
    body: reasonOnly,
    responses: { 201: event('The recorded event of the ramp.') },
    errors: [400, 404, 409],
  });

export const rampsFeature: Feature = {
  tag: {
    name: tag,
    description:
      'Progressive delivery: a ramp walks a new version through the steps of a strategy (e.g. 5 % → 25 % → 50 % → 100 %), each held at least its minutes and left only when its analysis — the canary arm against the stable arm over the step — passes with enough samples. A failing step is rolled back by the environment’s automatic rollback (or pauses the ramp when that is off); a step ending without a verdict pauses it and says which samples are missing and how long they would take. Start one with `POST /deployments` and a `strategy` (or the environment’s `policies.defaultStrategy`). Every step, pause, resume, skip and abort is a deployment event with its actor and reason.',
  },
  schemas: {
    Strategy: object(
      {
        steps: arrayOf(
          object(
            {
              percent: number('Share of traffic on the new version, in (0, 100]; only the last step may be 100.', {
                exclusiveMinimum: 0,
                maximum: 100,
              }),
              minutes: integer('How long the step lasts at least (1–10080); not for a final 100.', {
                minimum: 1,
                maximum: 10080,
              }),
            },
            ['minutes'],
          ),
          '1–20 steps with increasing percentages; after the last one the version takes all traffic.',
        ),
      },
      [],
      'A rollout strategy.',
    ),
    Ramp: object({
      id: string(),
      prompt: string(),
      environment: string(),
      candidate: integer('The version being ramped up.'),
      stable: integer('The version it replaces.'),
      strategy: ref('Strategy'),
      status: string('', { enum: ['running', 'paused', 'completed', 'aborted', 'replaced'] }),
      stepIndex: integer('Current step, 0-based.'),
      percent: number('Current share of traffic on the candidate.'),
      stepDeploymentId: string('The current step’s deployment event: its analysis is the step’s verdict.'),
      stepStartedAt: time(),
      stepDueAt: time('When the step may end at the earliest (its start or latest resume + its minutes).'),
      timeLeftMs: nullable(integer('Until stepDueAt (0 once reached); null once the ramp ended.')),
      pause: nullable(object({ at: time(), actor: string(), reason: string() })),
      startedAt: time(),
      startedBy: string(),
      ended: nullable(
        object({ kind: string(), time: time(), actor: string(), reason: string(), deploymentId: string() }),
      ),
      stepVerdict: nullable(
        object({ verdict: string(), reason: string(), complete: { type: 'boolean' }, evaluatedAt: time() }),
      ),
      outlook: nullable(string('What the ramp does next, in words.')),
      events: arrayOf(ref('DeploymentEvent'), 'The ramp’s events, oldest first.'),
    }),
  },
  paths: {
    '/api/v1/ramps': {
      get: op({
        id: 'listRamps',
        summary: 'Ramps running or paused (or all of the last 30 days), newest first',
        params: [
          query('prompt', 'Prompt name.', promptNameSchema),
          query('environment', 'Environment name.', environmentNameSchema),
          query('status', '`active` (default) or `all`.', { type: 'string', enum: ['active', 'all'] }),
        ],
        responses: { 200: json('Ramps.', object({ ramps: arrayOf(ref('Ramp')) })) },
        errors: [400],
      }),
    },
    '/api/v1/ramps/{id}': {
      get: op({
        id: 'getRamp',
        summary: 'One ramp: current step, weight, time left, the step’s verdict, its events',
        params: [id],
        responses: { 200: json('The ramp.', ref('Ramp')) },
        errors: [404],
      }),
    },
    '/api/v1/ramps/{id}/pause': {
      post: action(
        'pauseRamp',
        'Pause a running ramp',
        'The traffic split stays as it is; the ramp waits for a resume.',
      ),
    },
    '/api/v1/ramps/{id}/resume': {
      post: action(
        'resumeRamp',
        'Resume a paused ramp',
        'The current step gets its full minutes again from now (to gather what an inconclusive step lacked).',
      ),
    },
    '/api/v1/ramps/{id}/abort': {
      post: action(
        'abortRamp',
        'Abort a ramp: the stable version takes all traffic',
        'A `canary_abort`; never needs a review.',
      ),
    },
    '/api/v1/ramps/{id}/skip': {
      post: op({
        id: 'skipRamp',
        role: 'deployer',
        summary: 'Move a ramp to another step (100: the version takes all traffic now)',
        params: [id],
        body: jsonBody(
          input({ percent: number('The share of one of the ramp’s steps, or 100.'), reason: reasonSchema }, [
            'percent',
          ]),
        ),
        responses: { 201: event('The step’s `canary_start`, or the `canary_promote` for 100.') },
        errors: [400, 404, 409],
      }),
    },
  },
};
