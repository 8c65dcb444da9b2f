import { ROLES } from '../http/auth.js';
import {
  arrayOf,
  input,
  json,
  jsonBody,
  object,
  pathParam,
  ref,
  string,
  taggedOperation,
  type Feature,
} from './openapi-helpers.js';

const tag = 'keys';
const op = taggedOperation(tag);

export const keysFeature: Feature = {
  tag: {
    name: tag,
    description:
      'API keys stored in Tracelane besides the configured API_KEYS. A key carries a role: `viewer` (read), `scorer` (read, and post scores: an application sending feedback), `deployer` (deploy, rollback, promote), `admin` (environments, webhooks, keys).',
  },
  schemas: {},
  paths: {
    '/api/v1/keys': {
      get: op({
        id: 'listApiKeys',
        role: 'admin',
        summary: 'API keys stored in Tracelane (besides API_KEYS), active first',
        responses: { 200: json('Keys, without secrets.', object({ keys: arrayOf(ref('ApiKey')) })) },
      }),
      post: op({
        id: 'createApiKey',
        role: 'admin',
        summary: 'Create an API key; its secret is shown only in this response',
        description:
          'Needs API_KEYS to configure at least one key (409 otherwise). Names are unique among active keys.',
        body: jsonBody(
          input(
            {
              name: string('Key name, at most 64 characters.', { maxLength: 64 }),
              role: string('', { enum: ROLES }),
            },
            ['name', 'role'],
          ),
        ),
        responses: {
          201: json('The key with its secret (`tl_…`).', { allOf: [ref('ApiKey'), object({ secret: string() })] }),
        },
        errors: [400, 409],
      }),
    },
    '/api/v1/keys/{id}': {
      delete: op({
        id: 'revokeApiKey',
        role: 'admin',
        summary: 'Revoke a stored API key (idempotent)',
        params: [pathParam('id', 'Key id.')],
        responses: { 200: json('The revoked key.', ref('ApiKey')) },
        errors: [404],
      }),
    },
  },
};
