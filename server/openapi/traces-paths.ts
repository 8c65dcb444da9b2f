import {
  arrayOf,
  boolean,
  freeObject,
  integer,
  json,
  nullable,
  number,
  object,
  pathParam,
  query,
  ref,
  string,
  taggedOperation,
  time,
  windowParams,
  type Feature,
  type Schema,
} from './openapi-helpers.js';

const tag = 'traces';
const op = taggedOperation(tag);
const attributes = { type: 'object', additionalProperties: { type: 'string' } };

export const tracesFeature: Feature = {
  tag: {
    name: tag,
    description:
      'OTLP/HTTP ingestion on the collector port and reading traces back. Spans keep their attributes as the OpenTelemetry ClickHouse exporter stores them, plus the normalised LLM fields.',
  },
  schemas: {
    TraceSummary: object({
      traceId: string(),
      rootSpanName: string(),
      serviceName: string(),
      start: time(),
      startUnixNano: string('Start in nanoseconds since the epoch, as a decimal string.'),
      durationMs: number(),
      spanCount: integer(),
      generationCount: integer('Spans that are LLM generations.'),
      hasError: boolean(),
      environments: arrayOf(string()),
      prompts: arrayOf(object({ name: string(), version: string() })),
      models: arrayOf(string()),
      inputTokens: nullable(integer()),
      outputTokens: nullable(integer()),
      costUsd: nullable(number()),
    }),
    TraceSpan: object({
      traceId: string(),
      spanId: string(),
      parentSpanId: string(),
      traceState: string(),
      name: string(),
      kind: string(),
      serviceName: string(),
      scope: object({ name: string(), version: string() }),
      start: time(),
      startUnixNano: string(),
      durationNs: integer(),
      durationMs: number(),
      status: object({ code: string(), message: string() }),
      attributes,
      resourceAttributes: attributes,
      events: arrayOf(
        object({
          time: time(),
          timeUnixNano: string(),
          name: string(),
          attributes,
          source: string('`span`: an event of the span; `log`: a GenAI event received as an OTLP log record.', {
            enum: ['span', 'log'],
          }),
        }),
      ),
      links: arrayOf(object({ traceId: string(), spanId: string(), traceState: string(), attributes })),
      llm: object(
        {
          environment: string(),
          promptName: string(),
          promptVersion: string(),
          versionInferred: boolean('The version was taken from the deployment history, not the span.'),
          model: string('The model metrics group by: the requested model, else the one that answered.'),
          requestModel: string('The model the application asked for.'),
          responseModel: string('The model (snapshot) that answered.'),
          provider: string(),
          operation: string(),
          isGeneration: boolean(),
          inputTokens: nullable(integer('Input tokens, cache reads and writes included.')),
          outputTokens: nullable(integer('Output tokens, reasoning included.')),
          cachedInputTokens: nullable(integer('Cache reads.')),
          cacheWriteTokens: nullable(integer('Cache writes.')),
          reasoningTokens: nullable(integer('Reasoning (thinking) tokens.')),
          timeToFirstTokenMs: nullable(number('Streamed calls: milliseconds to the first chunk.')),
          costUsd: nullable(number('Cost in USD; null when the model’s price is unknown.')),
          quality: nullable(number('Quality score 0..1 carried by the span.')),
          isError: boolean(),
        },
        [],
        'The normalised LLM fields.',
      ),
    }),
  },
  paths: {
    '/v1/traces': otlpExport(
      'exportTraces',
      'OTLP/HTTP trace export',
      'An OTLP ExportTraceServiceRequest as `application/x-protobuf` or `application/json`, optionally `Content-Encoding: gzip`; the answer is in the request’s encoding. A span with a value that cannot be decoded, or that fails validation, is rejected alone and reported in `partial_success`; the rest is stored. 400: undecodable request, or no span of it accepted (do not retry); 401: missing ingest key (when INGEST_KEYS is set); 413: body over OTLP_MAX_BODY_BYTES after decompression; 415: unsupported content type or encoding; 429 with `Retry-After`: OTLP_MAX_INFLIGHT_BYTES reached; 503 with `Retry-After`: buffer full or store failure (retry).',
      'ExportTraceServiceRequest',
    ),
    '/api/public/otel/v1/traces': otlpExport(
      'exportTracesLangfusePath',
      'OTLP/HTTP trace export at the Langfuse SDKs’ path',
      'The same as `POST /v1/traces`, at the path the Langfuse SDKs export to, so that they point at Tracelane by their base URL alone; their `Authorization: Basic base64(public key:secret key)` passes when the secret key is an ingest key.',
      'ExportTraceServiceRequest',
    ),
    '/v1/logs': otlpExport(
      'exportLogs',
      'OTLP/HTTP logs export',
      'An OTLP ExportLogsServiceRequest, encoded as for `/v1/traces`. GenAI events (event name `gen_ai.*`) tied to a span by trace and span id are kept and shown among that span’s events; `gen_ai.evaluation.result` records become named scores of the span. Other records are counted and not stored. Malformed records are reported in `partial_success`; status codes as for `/v1/traces`.',
      'ExportLogsServiceRequest',
    ),
    '/api/v1/traces': {
      get: op({
        id: 'listTraces',
        summary: 'Traces in a time window, newest first, searched and paginated',
        description:
          'Rows are bounded summaries (names and labels at most 200 characters, lists at most 20 entries); the full spans come with `GET /api/v1/traces/{traceId}`. A query may run at most TRACE_SEARCH_MAX_SECONDS and read at most TRACE_SEARCH_MAX_ROWS spans; past either the answer is 400 `search_too_broad`.',
        params: [
          query('environment', 'Only traces with a span in this environment.'),
          query('prompt', 'Only traces with a span of this prompt.'),
          query('version', 'Only traces with a span of this prompt version.'),
          query('model', 'Only traces with a span using this model.'),
          query('status', '`ok` or `error`.', { type: 'string', enum: ['ok', 'error'] }),
          ...windowParams('1 hour'),
          query('limit', 'Page size, 1–500 (default 50).', { type: 'integer', minimum: 1, maximum: 500 }),
          query('cursor', 'The `nextCursor` of the previous page.'),
          query('minDurationMs', 'Shortest trace duration.', { type: 'number', minimum: 0, maximum: 2_592_000_000 }),
          query('maxDurationMs', 'Longest trace duration.', { type: 'number', minimum: 0, maximum: 2_592_000_000 }),
          query('minCostUsd', 'Least total cost of the trace’s generations, USD.', { type: 'number', minimum: 0 }),
          query('maxCostUsd', 'Most total cost of the trace’s generations, USD.', { type: 'number', minimum: 0 }),
          query(
            'attr',
            'An attribute condition one span must meet, on its own or its resource’s attributes: `key=value`, `key!=value`, `key` (exists), or `key>n`, `key>=n`, `key<n`, `key<=n` (numbers). Repeat for several (all must hold; at most 10).',
            { type: 'array', items: { type: 'string' } },
          ),
          query(
            'q',
            'Text (3–200 characters) that a span’s attribute or event values contain, case-insensitively: finds words in captured prompts and completions.',
          ),
        ],
        responses: {
          200: json(
            'One page of traces.',
            object({
              traces: arrayOf(ref('TraceSummary')),
              nextCursor: nullable(string('Pass as `cursor` for the next (older) page; null on the last page.')),
              window: object({ from: time(), to: time() }),
            }),
          ),
        },
        errors: [400],
      }),
    },
    '/api/v1/traces/{traceId}': {
      get: op({
        id: 'getTrace',
        summary: 'Every span of one trace',
        params: [pathParam('traceId', '32 hexadecimal digits.')],
        responses: {
          200: json(
            'The trace.',
            object({
              traceId: string(),
              spans: arrayOf(ref('TraceSpan')),
              truncated: boolean('The trace has more spans than the API returns (10,000).'),
            }),
          ),
        },
        errors: [400, 404],
      }),
    },
  },
};

/** An OTLP/HTTP export route on the collector port. */
function otlpExport(id: string, summary: string, description: string, message: string): Schema {
  return {
    servers: [{ url: 'http://localhost:4318', description: 'Collector port (OTLP_PORT)' }],
    post: {
      ...op({
        auth: false,
        id,
        summary,
        description,
        body: {
          required: true,
          content: {
            'application/x-protobuf': { schema: { type: 'string', format: 'binary' } },
            'application/json': { schema: freeObject(`OTLP JSON encoding of ${message}.`) },
          },
        },
        responses: {
          200: {
            description: 'Accepted (stored before the answer); `partialSuccess` when some items were rejected.',
            content: {
              'application/json': { schema: freeObject() },
              'application/x-protobuf': { schema: { type: 'string', format: 'binary' } },
            },
          },
          400: { description: 'Undecodable request, or nothing in it accepted (google.rpc.Status).' },
          401: { description: 'Missing or unknown ingest key.' },
          413: { description: 'Request body too large.' },
          415: { description: 'Unsupported Content-Type or Content-Encoding.' },
          429: { description: 'OTLP_MAX_INFLIGHT_BYTES reached; retry after `Retry-After` seconds.' },
          503: { description: 'Buffer full or store failed; retry after `Retry-After` seconds.' },
        },
      }),
      security: [{}, { ingestKey: [] }],
    },
  };
}
