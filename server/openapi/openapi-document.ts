import { alertsFeature } from './alerts-paths.js';
import { analysisFeature } from './analysis-paths.js';
import { changesFeature } from './changes-paths.js';
import { connectionsFeature } from './connections-paths.js';
import { datasetsFeature } from './datasets-paths.js';
import { evaluatorsFeature, experimentsFeature } from './experiments-paths.js';
import { deploymentsFeature } from './deployments-paths.js';
import { draftsFeature } from './drafts-paths.js';
import { environmentsFeature } from './environments-paths.js';
import { eventsFeature } from './events-paths.js';
import { keysFeature } from './keys-paths.js';
import { overviewFeature } from './overview-paths.js';
import { errorResponses, object, string, type Feature, type PathItem, type Schema } from './openapi-helpers.js';
import { promptsFeature } from './prompts-paths.js';
import { systemFeature } from './system-paths.js';
import { tracesFeature } from './traces-paths.js';
import { webhooksFeature } from './webhooks-paths.js';
import { workbenchFeature } from './workbench-paths.js';

/** Every feature's part of the API, in the order the document lists them. */
export const FEATURES: readonly Feature[] = [
  tracesFeature,
  promptsFeature,
  draftsFeature,
  workbenchFeature,
  deploymentsFeature,
  environmentsFeature,
  analysisFeature,
  alertsFeature,
  changesFeature,
  overviewFeature,
  datasetsFeature,
  evaluatorsFeature,
  experimentsFeature,
  connectionsFeature,
  eventsFeature,
  webhooksFeature,
  keysFeature,
  systemFeature,
];

const errorSchema: Schema = object({
  error: object(
    {
      code: string(
        'Machine-readable code: bad_request, search_too_broad, unauthorized, forbidden, not_found, conflict, too_large, store_unavailable, internal.',
      ),
      message: string('What is wrong, naming the field.'),
      field: string('The offending field or parameter, when one is to blame.'),
    },
    ['field'],
  ),
});

/** The OpenAPI 3.1 description of the whole API, served at `GET /api/v1/openapi.json`. */
export function openApiDocument(version: string): Schema {
  const paths: Record<string, PathItem> = {};
  const schemas: Record<string, Schema> = { Error: errorSchema };
  for (const feature of FEATURES) {
    for (const [path, item] of Object.entries(feature.paths)) {
      if (paths[path]) throw new Error(`OpenAPI: path ${path} is described twice`);
      paths[path] = item;
    }
    for (const [name, schema] of Object.entries(feature.schemas)) {
      if (schemas[name]) throw new Error(`OpenAPI: schema ${name} is described twice`);
      schemas[name] = schema;
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tracelane API',
      version,
      description:
        'Tracelane links LLM traces to prompt deployments. Authenticate with `Authorization: Bearer <key>` or `x-api-key: <key>` (keys from API_KEYS or `/api/v1/keys`); with no keys configured the server listens on loopback only and every request acts as the local admin. Errors are `{"error":{"code","message","field"}}`. Times are ISO-8601 UTC; query times also accept epoch milliseconds.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: 'http://localhost:8080', description: 'API and UI (PORT)' }],
    tags: FEATURES.map((f) => f.tag),
    security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
    paths,
    components: {
      schemas,
      responses: errorResponses(),
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer <key>`.' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        streamToken: {
          type: 'apiKey',
          in: 'query',
          name: 'token',
          description:
            'Only `GET /api/v1/events` (EventSource): a short-lived, read-only stream token from `POST /api/v1/events/token`. API keys are never accepted in URLs.',
        },
        ingestKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An ingest key (INGEST_KEYS) for `POST /v1/traces`; `x-api-key` also works. Not needed when none is configured.',
        },
      },
    },
  };
}
