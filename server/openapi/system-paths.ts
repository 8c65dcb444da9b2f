import { ROLES } from '../http/auth.js';
import { boolean, freeObject, json, object, string, taggedOperation, type Feature } from './openapi-helpers.js';

const tag = 'system';
const op = taggedOperation(tag);

export const systemFeature: Feature = {
  tag: { name: tag, description: 'Health, Prometheus metrics, the identity of the presented key, and this document.' },
  schemas: {
    Health: object({
      status: string('`ok`, or `unavailable` when the store does not answer.', { enum: ['ok', 'unavailable'] }),
      store: object({ backend: string('', { enum: ['chdb', 'clickhouse'] }), reachable: boolean() }),
      collector: freeObject(
        'The collector counters: spans received, accepted, rejected and refused by reason, buffered spans, flushes.',
      ),
      connectionsClosed: freeObject(
        'Connections this process closed, per port (`api`, `otlp`) and reason: `limit` (over the connection cap), `idle` (sent nothing in time), `timeout` (headers or request not complete in time), `slow_body` (below the minimum body rate).',
      ),
    }),
  },
  paths: {
    '/api/v1/health': {
      get: op({
        auth: false,
        id: 'getHealth',
        summary: 'Health of the server, its store and the collector counters',
        responses: {
          200: json('Healthy.', { $ref: '#/components/schemas/Health' }),
          503: json('The store does not answer.', { $ref: '#/components/schemas/Health' }),
        },
      }),
    },
    '/metrics': {
      servers: [
        { url: 'http://localhost:8080', description: 'API port (PORT)' },
        { url: 'http://localhost:4318', description: 'Collector port (OTLP_PORT)' },
      ],
      get: op({
        auth: false,
        id: 'getPrometheusMetrics',
        summary: 'Collector counters in Prometheus text format 0.0.4 (on both ports)',
        responses: {
          200: { description: 'Prometheus exposition.', content: { 'text/plain': { schema: { type: 'string' } } } },
        },
      }),
    },
    '/api/v1/me': {
      get: op({
        id: 'getMe',
        summary: 'Who the presented key is',
        description: 'With no keys configured every request is the local admin and `authEnabled` is false.',
        responses: {
          200: json(
            'The key’s name (recorded as the actor of its actions) and role.',
            object({
              name: string(),
              role: string('', { enum: ROLES }),
              authEnabled: boolean(),
              otlpEndpoint: string(
                'Base URL of the OTLP/HTTP collector as the caller reaches it (traces go to `<otlpEndpoint>/v1/traces`): the address it listens on, or the host name of this request when it listens on every interface.',
              ),
            }),
          ),
        },
      }),
    },
    '/api/v1/openapi.json': {
      get: op({
        auth: false,
        id: 'getOpenApi',
        summary: 'This OpenAPI 3.1 description',
        responses: { 200: json('The document.', freeObject()) },
      }),
    },
  },
};
