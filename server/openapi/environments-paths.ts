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
  ref,
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
  policies: freeObject('A partial Policies object: only the given policies change; `canary` merges key by key.'),
};

export const environmentsFeature: Feature = {
  tag: {
    name: tag,
    description:
      'Environments (release lanes): display order, primary flag, review protection and policies (automatic rollback and promotion, canary defaults, detector overrides).',
  },
  schemas: {},
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
