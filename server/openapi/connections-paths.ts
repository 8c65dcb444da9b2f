import { CONNECTION_KINDS } from '../connections/connection-table.js';
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
  ref,
  string,
  taggedOperation,
  time,
  type Feature,
  type Schema,
} from './openapi-helpers.js';

const tag = 'connections';
const op = taggedOperation(tag);
const name = pathParam('name', 'Connection name.');

const limits: Record<string, Schema> = {
  baseUrl: string('http(s) URL without the API path (`https://api.openai.com/v1`, `https://api.anthropic.com`).'),
  secretEnv: string('Name of an environment variable of the server holding the secret (read at call time).'),
  secret: string('The secret itself; stored encrypted (AES-256-GCM, CONNECTION_SECRET_KEY) and never returned.'),
  maxConcurrency: integer('Calls at once, 1–64 (default 4).'),
  requestsPerMinute: integer('HTTP requests per sliding minute, retries included (default 60).'),
  timeoutMs: integer('Time allowed per attempt, 100–600000 ms (default 60000).'),
  maxRetries: integer('Retries of a retryable failure (429, 5xx, 529, timeout), 0–10 (default 2).'),
  description: string(),
};

export const connectionsFeature: Feature = {
  tag: {
    name: tag,
    description:
      'Model connections (admin-managed): OpenAI-compatible chat completions or Anthropic Messages. Every call Tracelane makes through one is bounded (concurrency, requests per minute, timeout, retries honouring Retry-After) and traced into otel_traces in the `evaluation` environment. Secrets are never returned or logged.',
  },
  schemas: {
    ModelConnection: object({
      name: string(),
      kind: string('', { enum: CONNECTION_KINDS }),
      baseUrl: string(),
      secret: object(
        {
          source: string('`env` (a variable of the server), `stored` (encrypted) or `none`.', {
            enum: ['env', 'stored', 'none'],
          }),
          env: string('The variable name (source env).'),
          available: boolean('Whether the secret is there (the variable is set).'),
        },
        ['env'],
      ),
      maxConcurrency: integer(),
      requestsPerMinute: integer(),
      timeoutMs: integer(),
      maxRetries: integer(),
      description: string(),
      createdAt: time(),
      createdBy: string(),
      updatedAt: time(),
    }),
  },
  paths: {
    '/api/v1/connections': {
      get: op({
        id: 'listConnections',
        summary: 'Model connections, by name (never with secrets)',
        responses: { 200: json('Connections.', object({ connections: arrayOf(ref('ModelConnection')) })) },
      }),
      post: op({
        id: 'createConnection',
        role: 'admin',
        summary: 'Add a model connection',
        description:
          'Give `secretEnv` or `secret` (or neither, for a local server without keys). Storing `secret` needs CONNECTION_SECRET_KEY.',
        body: jsonBody(
          input(
            { name: string('Name, at most 64 characters.'), kind: string('', { enum: CONNECTION_KINDS }), ...limits },
            ['name', 'kind'],
          ),
        ),
        responses: { 201: json('The connection.', ref('ModelConnection')) },
        errors: [400, 409],
      }),
    },
    '/api/v1/connections/{name}': {
      get: op({
        id: 'getConnection',
        summary: 'One model connection',
        params: [name],
        responses: { 200: json('The connection.', ref('ModelConnection')) },
        errors: [404],
      }),
      patch: op({
        id: 'updateConnection',
        role: 'admin',
        summary: 'Change a connection; a new secret or secretEnv replaces the old one',
        params: [name],
        body: jsonBody(
          input({ ...limits, removeSecret: boolean('true: the connection uses no secret from now on.') }, []),
        ),
        responses: { 200: json('The connection.', ref('ModelConnection')) },
        errors: [400, 404],
      }),
      delete: op({
        id: 'deleteConnection',
        role: 'admin',
        summary: 'Delete a connection (runs using it are marked interrupted when resumed)',
        params: [name],
        responses: { 204: { description: 'Deleted.' } },
        errors: [404],
      }),
    },
    '/api/v1/connections/{name}/test': {
      post: op({
        id: 'testConnection',
        role: 'admin',
        summary: 'Send one tiny request through the connection',
        params: [name],
        body: jsonBody(input({ model: string('The model to ask.') }, ['model'])),
        responses: {
          200: json(
            'Whether the call worked, its latency, and the typed error when not.',
            object(
              {
                ok: boolean(),
                latencyMs: integer(),
                output: string(),
                usage: freeObject(),
                error: object({ kind: string(), message: string(), status: nullable(integer()) }),
              },
              ['output', 'usage', 'error'],
            ),
          ),
        },
        errors: [400, 404],
      }),
    },
  },
};
