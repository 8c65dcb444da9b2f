import {
  arrayOf,
  boolean,
  freeObject,
  input,
  integer,
  json,
  jsonBody,
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

const tag = 'environments';
const op = taggedOperation(tag);

const changeFields = {
  order: integer('Display order.'),
  primary: boolean('Mark as the primary environment.'),
  protected: boolean('Deploys by a `deployer` key need review.'),
  policies: freeObject(
    'A partial Policies object: only the given policies change; `canary` merges key by key; `detector` (overrides of the defaults in `GET /policy-defaults`) is checked and replaced whole.',
  ),
};

export const environmentsFeature: Feature = {
  tag: {
    name: tag,
    description:
      'Environments (release lanes): display order, primary flag, review protection and policies (automatic rollback and promotion, canary defaults, detector overrides).',
  },
  schemas: {
    EnvironmentChange: object({
      id: string(),
      environment: string(),
      time: time(),
      actor: string('The API key that made the change (`tracelane` for the default environments).'),
      action: string('', { enum: ['create', 'update'] }),
      changes: arrayOf(
        object({
          field: string('Dotted path: `protected`, `policies.autoRollback`, `policies.detector.metrics.quality.warn`.'),
          from: { description: 'Null when the setting did not exist.' },
          to: { description: 'Null when the setting was removed.' },
        }),
      ),
    }),
  },
  paths: {
    '/api/v1/environments': {
      get: op({
        id: 'listEnvironments',
        summary: 'Environments in display order',
        responses: { 200: json('Environments.', object({ environments: arrayOf(ref('Environment')) })) },
      }),
      post: op({
        id: 'createEnvironment',
        role: 'admin',
        summary: 'Create an environment',
        body: jsonBody(input({ name: environmentNameSchema, ...changeFields }, ['name'])),
        responses: { 201: json('The environment.', ref('Environment')) },
        errors: [400, 409],
      }),
    },
    '/api/v1/environments/{name}/changes': {
      get: op({
        id: 'listEnvironmentChanges',
        summary: 'The audit trail of an environment’s settings, newest first',
        params: [
          pathParam('name', 'Environment name.'),
          query('limit', 'At most this many, 1–1000 (default 100).', { type: 'integer', minimum: 1, maximum: 1000 }),
        ],
        responses: {
          200: json(
            'Changes: who changed which setting, when, from what to what.',
            object({ changes: arrayOf(ref('EnvironmentChange')) }),
          ),
        },
        errors: [400, 404],
      }),
    },
    '/api/v1/policy-defaults': {
      get: op({
        id: 'getPolicyDefaults',
        summary: 'The policies of a new environment and the regression detector’s default settings',
        description: '`policies.detector` of an environment overrides `detector` key by key (metrics field by field).',
        responses: {
          200: json(
            'The defaults.',
            object({ policies: ref('Policies'), detector: freeObject('Every detector setting.') }),
          ),
        },
      }),
    },
    '/api/v1/environments/{name}': {
      get: op({
        id: 'getEnvironment',
        summary: 'One environment',
        params: [pathParam('name', 'Environment name.')],
        responses: { 200: json('The environment.', ref('Environment')) },
        errors: [404],
      }),
      patch: op({
        id: 'updateEnvironment',
        role: 'admin',
        summary: 'Change an environment’s order, primary flag, protection or policies',
        params: [pathParam('name', 'Environment name.')],
        body: jsonBody(input(changeFields, [])),
        responses: { 200: json('The environment.', ref('Environment')) },
        errors: [400, 404],
      }),
    },
  },
};
