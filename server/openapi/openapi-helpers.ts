/**
 * Small builders for the hand-maintained OpenAPI 3.1 description, so each feature module reads as a list of
 * routes rather than nested JSON. Schemas are JSON Schema 2020-12, as OpenAPI 3.1 specifies.
 */
export type Schema = { [keyword: string]: unknown };

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface Operation {
  tags: string[];
  operationId: string;
  summary: string;
  description?: string;
  parameters?: Schema[];
  requestBody?: Schema;
  responses: Record<string, Schema>;
  security?: Record<string, string[]>[];
  'x-required-role'?: string;
}

export type PathItem = Partial<Record<Method, Operation>> & { servers?: { url: string; description: string }[] };

/** One feature's part of the document: its tag, its paths and the schemas they reference. */
export interface Feature {
  tag: { name: string; description: string };
  paths: Record<string, PathItem>;
  schemas: Record<string, Schema>;
}

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const string = (description?: string, extra: Schema = {}): Schema => ({
  type: 'string',
  ...extra,
  ...(description ? { description } : {}),
});
export const integer = (description?: string, extra: Schema = {}): Schema => ({
  type: 'integer',
  ...extra,
  ...(description ? { description } : {}),
});
export const number = (description?: string, extra: Schema = {}): Schema => ({
  type: 'number',
  ...extra,
  ...(description ? { description } : {}),
});
export const boolean = (description?: string): Schema => ({ type: 'boolean', ...(description ? { description } : {}) });
export const time = (description = 'ISO-8601 UTC time'): Schema => ({
  type: 'string',
  format: 'date-time',
  description,
});
export const arrayOf = (items: Schema, description?: string): Schema => ({
  type: 'array',
  items,
  ...(description ? { description } : {}),
});
export const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
export const freeObject = (description?: string): Schema => ({
  type: 'object',
  additionalProperties: true,
  ...(description ? { description } : {}),
});

/** An object schema; every property is required unless listed in `optional`. */
export function object(properties: Record<string, Schema>, optional: string[] = [], description?: string): Schema {
  const required = Object.keys(properties).filter((p) => !optional.includes(p));
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    ...(description ? { description } : {}),
  };
}

/** A request body object: only `required` properties are required; unknown properties are rejected (400). */
export function input(properties: Record<string, Schema>, required: string[]): Schema {
  return { type: 'object', properties, required, additionalProperties: false };
}

export const jsonBody = (schema: Schema, required = true): Schema => ({
  required,
  content: { 'application/json': { schema } },
});

export const json = (description: string, schema: Schema, headers?: Schema): Schema => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema } },
});

export const pathParam = (name: string, description: string): Schema => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});

export const query = (
  name: string,
  description: string,
  schema: Schema = { type: 'string' },
  required = false,
): Schema => ({
  name,
  in: 'query',
  required,
  description,
  schema,
});

/** `from` / `to` query parameters: ISO-8601 or epoch milliseconds. */
export const windowParams = (defaultWindow: string): Schema[] => [
  query(
    'from',
    `Window start, ISO-8601 or epoch milliseconds, from 1970 to before 2100 (default: \`to\` − ${defaultWindow}).`,
  ),
  query('to', 'Window end, ISO-8601 or epoch milliseconds, from 1970 to before 2100 (default: now).'),
];

export const pageParams: Schema[] = [
  query('limit', 'Page size, 1–1000 (default 100).', { type: 'integer', minimum: 1, maximum: 1000 }),
  query('offset', 'Rows to skip (default 0).', { type: 'integer', minimum: 0 }),
];

const ERROR_RESPONSES = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  429: 'TooManyAuthFailures',
  503: 'StoreUnavailable',
} as const;

export type ErrorStatus = keyof typeof ERROR_RESPONSES;

export interface OperationSpec {
  tag: string;
  id: string;
  summary: string;
  description?: string;
  /** The least role allowed; omitted: any key (viewer and up). */
  role?: 'scorer' | 'deployer' | 'admin';
  /** false: no API key needed (health, this document, the collector has its own keys). */
  auth?: boolean;
  params?: Schema[];
  body?: Schema;
  responses: Record<string, Schema>;
  errors?: ErrorStatus[];
}

/** One operation: adds the error responses every authenticated route has (401, 429, and 403 with a role). */
function operation(spec: OperationSpec): Operation {
  const errors = new Set<ErrorStatus>(spec.errors ?? []);
  if (spec.auth !== false) {
    errors.add(401);
    errors.add(429);
  }
  if (spec.role) errors.add(403);
  const roleNote = spec.role ? `Needs the \`${spec.role}\` role (or higher).` : undefined;
  const description = [spec.description, roleNote].filter(Boolean).join('\n\n');
  return {
    tags: [spec.tag],
    operationId: spec.id,
    summary: spec.summary,
    ...(description ? { description } : {}),
    ...(spec.params ? { parameters: spec.params } : {}),
    ...(spec.body ? { requestBody: spec.body } : {}),
    responses: {
      ...spec.responses,
      ...Object.fromEntries(
        [...errors].sort().map((s) => [String(s), { $ref: `#/components/responses/${ERROR_RESPONSES[s]}` }]),
      ),
    },
    ...(spec.auth === false ? { security: [] } : {}),
    ...(spec.role ? { 'x-required-role': spec.role } : {}),
  };
}

/** The `operation` builder of one feature: every operation it makes carries the feature's tag. */
export const taggedOperation =
  (tag: string) =>
  (spec: Omit<OperationSpec, 'tag'>): Operation =>
    operation({ tag, ...spec });

/** The shared error responses, rendered by the one error middleware as `{"error":{"code","message","field"}}`. */
export function errorResponses(): Record<string, Schema> {
  const response = (description: string) => json(description, ref('Error'));
  return {
    BadRequest: response('Invalid input; `error.field` names the offending field.'),
    Unauthorized: response('Missing or unknown API key.'),
    Forbidden: response("The key's role may not do this."),
    NotFound: response('No such object; `error.field` names the parameter.'),
    Conflict: response('The request conflicts with the current state.'),
    TooManyAuthFailures: {
      ...response(
        'Too many wrong keys from this client address (AUTH_FAILURE_LIMIT): no key is looked at until `Retry-After` seconds have passed.',
      ),
      headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } },
    },
    StoreUnavailable: response('The storage backend failed; retry later.'),
  };
}
