import { z } from 'zod';

/**
 * Every setting Tracelane reads from the environment, with its default. This is the only module that reads
 * process.env for product configuration; the README's configuration table mirrors it.
 */
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== ''),
);

export const configSchema = z.object({
  /** Port of the API and web UI. */
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Port of the OTLP/HTTP collector (`POST /v1/traces`, `/v1/logs`). */
  OTLP_PORT: z.coerce.number().int().min(0).max(65535).default(4318),
  /** Port of the OTLP/gRPC collector (TraceService and LogsService `Export`). */
  OTLP_GRPC_PORT: z.coerce.number().int().min(0).max(65535).default(4317),
  /** Interface to listen on. Forced to 127.0.0.1 when no API keys are configured. */
  HOST: z.string().default('0.0.0.0'),
  /** Embedded store (chDB) data folder; ignored when CLICKHOUSE_URL is set. */
  DATA_DIR: z.string().default('./data'),
  /** ClickHouse server URL (e.g. http://localhost:8123). Empty: the embedded chDB store. */
  CLICKHOUSE_URL: z.string().default(''),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: z.string().default('default'),
  /** ClickHouse cluster name: migrations create replicated tables ON CLUSTER and Distributed tables over them. */
  CLICKHOUSE_CLUSTER: z.string().default(''),
  /** Days spans are kept (TTL on the span and trace-id tables). */
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Days the per-minute rollups are kept. */
  ROLLUP_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(395),
  /**
   * Start-up: hours of per-minute rollups compared with the raw spans and scores they summarise; minutes that differ
   * (an unclean shutdown between the two writes) are recomputed, and traces without a trace-id lookup row covering
   * their spans get one. 0: no check.
   */
  ROLLUP_REPAIR_HOURS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 400)
    .default(24),
  /**
   * API keys with roles: comma-separated `name:role:secret`, role one of viewer, scorer, deployer, admin.
   * Empty: no authentication, and the server listens on loopback only.
   */
  API_KEYS: list.default([]),
  /** Keys accepted by `POST /v1/traces` (`Authorization: Bearer` or `x-api-key`), comma-separated. */
  INGEST_KEYS: list.default([]),
  /** Largest OTLP request body accepted, after decompression, in bytes. */
  OTLP_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(16 * 1024 * 1024),
  /**
   * Decoded bytes of all export requests in flight at once (both OTLP ports); beyond it requests get 429 /
   * RESOURCE_EXHAUSTED with a retry delay. A request alone always passes.
   */
  OTLP_MAX_INFLIGHT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024 * 1024),
  /** OTLP/gRPC: connections held at once; further connections are closed at once. */
  OTLP_GRPC_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(1000),
  /** OTLP/gRPC: concurrent calls (HTTP/2 streams) per connection. */
  OTLP_GRPC_MAX_CONCURRENT_STREAMS: z.coerce.number().int().min(1).default(100),
  /** OTLP/gRPC: the server pings an idle connection after this long and closes it if the ping is not answered in 20 s. */
  OTLP_GRPC_KEEPALIVE_MS: z.coerce.number().int().min(1000).default(120_000),
  /** OTLP/gRPC: a connection idle (no call) this long is closed. */
  OTLP_GRPC_MAX_CONNECTION_IDLE_MS: z.coerce.number().int().min(1000).default(300_000),
  /** OTLP/gRPC: a connection this old is asked to reconnect (spreads clients over collectors); 30 s of grace. */
  OTLP_GRPC_MAX_CONNECTION_AGE_MS: z.coerce.number().int().min(1000).default(1_800_000),
  /** Extra span/resource attribute keys read as the prompt name, version and environment (comma-separated, tried first). */
  PROMPT_NAME_KEYS: list.default([]),
  PROMPT_VERSION_KEYS: list.default([]),
  ENVIRONMENT_KEYS: list.default([]),
  /** Extra span attribute keys holding a quality score (comma-separated); averaged with evaluation events. */
  QUALITY_KEYS: list.default([]),
  /** A span with more attributes than this is rejected (counted as `too_many_attributes`). */
  SPAN_MAX_ATTRIBUTES: z.coerce.number().int().min(1).default(1024),
  /** Attribute values and status messages longer than this many characters are cut to it (counted; the span is kept). */
  ATTRIBUTE_VALUE_MAX_CHARS: z.coerce.number().int().min(64).default(131_072),
  /**
   * Span names, attribute keys, event names, scope, service name, link fields and trace state longer than this many
   * characters are cut to it (counted by kind; the span is kept).
   */
  NAME_MAX_CHARS: z.coerce.number().int().min(64).default(1024),
  /** A JSON price file (same shape as collector/pricing/prices.json) whose entries override the shipped prices. */
  PRICES_FILE: z.string().default(''),
  /** Write buffer: flush when this many spans are waiting, or after FLUSH_INTERVAL_MS. */
  BUFFER_FLUSH_SPANS: z.coerce.number().int().min(1).default(20_000),
  BUFFER_FLUSH_INTERVAL_MS: z.coerce.number().int().min(1).default(200),
  /** Write buffer: spans held in memory at most; beyond it requests get 503 with Retry-After. */
  BUFFER_MAX_SPANS: z.coerce.number().int().min(1).default(200_000),
  /** Log format: `text` or `json`. */
  LOG_FORMAT: z.enum(['text', 'json']).default('text'),
  /** Evaluation results received as OTLP logs: milliseconds between attempts to score the spans they belong to. */
  EVALUATION_LINK_INTERVAL_MS: z.coerce.number().int().min(10).default(2000),
  /**
   * Analysis: milliseconds between runs of the analysis loop. A run re-evaluates only deployments whose lane received
   * data (every run while young, at most once a minute later on), whose window closed, or whose rollback is pending.
   */
  ANALYSIS_INTERVAL_MS: z.coerce.number().int().min(100).default(10_000),
  /** Trace search (`GET /api/v1/traces`): longest a query may run, and most span rows it may read, before a 400. */
  TRACE_SEARCH_MAX_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  TRACE_SEARCH_MAX_ROWS: z.coerce.number().int().min(1000).default(200_000_000),
  /** Self-observability: OTLP/HTTP endpoint (…/v1/traces) receiving a span per request Tracelane serves. Empty: off. */
  SELF_TRACES_OTLP_ENDPOINT: z.union([z.literal(''), z.url()]).default(''),
  /** Self-observability: the `service.name` of those spans. */
  SELF_TRACES_SERVICE_NAME: z.string().min(1).default('tracelane'),
  /** Server-sent events (`GET /api/v1/events`): milliseconds between heartbeat comments. */
  EVENTS_HEARTBEAT_MS: z.coerce.number().int().min(10).default(15_000),
  /** Webhooks: attempts per delivery, the first included, before it is given up. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  /** Webhooks: delay before the first retry; it doubles per attempt (with jitter) up to WEBHOOK_RETRY_MAX_MS. */
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).default(1000),
  WEBHOOK_RETRY_MAX_MS: z.coerce.number().int().min(1).default(300_000),
  /** Webhooks: time allowed for one delivery attempt (connect, send, response). */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  /**
   * Failed authentication (wrong API or ingest key) a client address may make per AUTH_FAILURE_WINDOW_MS; beyond it
   * its requests that need a key are answered 429 with Retry-After. IPv6 addresses count per /64.
   */
  AUTH_FAILURE_LIMIT: z.coerce.number().int().min(1).default(20),
  AUTH_FAILURE_WINDOW_MS: z.coerce.number().int().min(1000).default(60_000),
  /**
   * Which proxies' X-Forwarded-For to trust for the client address (Express `trust proxy`): empty (none), `true`,
   * a hop count, or addresses/CIDRs/`loopback`/`uniquelocal`, comma-separated.
   */
  TRUST_PROXY: z.string().default(''),
  /** Open connections accepted on the API port (PORT); beyond it new connections are closed at once. */
  API_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(1024),
  /** Open connections accepted on the OTLP/HTTP port; beyond it new connections are closed at once. */
  OTLP_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(4096),
  /**
   * Every port: time for a request's line and headers (and for a new connection to start its first request); on the
   * OTLP/gRPC port, for a new connection's HTTP/2 preface.
   */
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /** Every port: time for a whole request, headers and body; at least HTTP_HEADERS_TIMEOUT_MS. */
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** Every port: time a request body gets before HTTP_MIN_BODY_RATE applies (it is extended by what arrives). */
  HTTP_BODY_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /** Every port: minimum body rate in bytes per second; a body gets one more second per this many bytes received. */
  HTTP_MIN_BODY_RATE: z.coerce.number().int().min(1).default(8_192),
  /** Every port: an idle keep-alive connection is closed after this. */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /** Every port: requests served on one keep-alive connection before it is closed (0: no limit). */
  HTTP_MAX_REQUESTS_PER_CONNECTION: z.coerce.number().int().min(0).default(1_000),
  /** Webhooks: live webhook subscriptions at most (creating more is refused with 409). */
  WEBHOOK_MAX_COUNT: z.coerce.number().int().min(1).default(100),
  /**
   * Outbound requests (webhooks, model connections): addresses or CIDR ranges that may be reached although they are loopback, private,
   * link-local, metadata or otherwise reserved (refused by default), comma-separated.
   */
  OUTBOUND_ALLOWED_NETWORKS: list.default([]),
  /** Webhooks: deliveries held in memory per endpoint and in total; beyond either the oldest is dropped and logged. */
  WEBHOOK_QUEUE_PER_ENDPOINT: z.coerce.number().int().min(1).default(1000),
  WEBHOOK_QUEUE_TOTAL: z.coerce.number().int().min(1).default(10_000),
  /** Base URL of the UI as people reach it, for links in alert messages. Empty: the API's own address. */
  PUBLIC_URL: z.union([z.literal(''), z.url()]).default(''),
  /** Alerts: milliseconds between evaluations of the monitors (and checks of deployment verdicts). */
  ALERTS_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  /** Alert notifications: attempts per channel and alert step, the first included, before it is given up. */
  ALERT_DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  /** Alert notifications: delay before the first retry; it doubles per attempt (with jitter) up to …_MAX_MS. */
  ALERT_DELIVERY_RETRY_BASE_MS: z.coerce.number().int().min(1).default(2000),
  ALERT_DELIVERY_RETRY_MAX_MS: z.coerce.number().int().min(1).default(300_000),
  /** Alert notifications: time allowed for one attempt (Slack, PagerDuty, webhook request; SMTP session). */
  ALERT_DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  /** Email channel: SMTP server. Empty: email channels cannot send (their deliveries fail, saying so). */
  SMTP_HOST: z.string().default(''),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  /**
   * `starttls`: upgrade with STARTTLS when the server offers it; `require-starttls`: refuse to send without it;
   * `implicit`: TLS from the first byte (usually port 465); `none`: plain text (a local relay).
   */
  SMTP_TLS: z.enum(['starttls', 'require-starttls', 'implicit', 'none']).default('starttls'),
  /** SMTP credentials; empty user: no authentication. Never logged or returned by the API. */
  SMTP_USER: z.string().default(''),
  SMTP_PASSWORD: z.string().default(''),
  /** Sender of alert emails. */
  SMTP_FROM: z.string().min(3).default('Tracelane <tracelane@localhost>'),
  /** Unannounced changes: milliseconds between scans for model snapshot switches and prompt text drift. */
  CHANGES_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  /** Unannounced changes: spans are scanned this long after their time, so that late spans are not missed. */
  CHANGES_SCAN_DELAY_MS: z.coerce.number().int().min(0).default(60_000),
  /**
   * Model connections: the key that encrypts secrets stored with a connection (AES-256-GCM), 32 bytes as 64 hex
   * digits or base64. Empty: connections can only name an environment variable holding their secret.
   */
  CONNECTION_SECRET_KEY: z
    .string()
    .default('')
    .refine((v) => v === '' || secretKeyBytes(v) !== undefined, 'must be 32 bytes as 64 hex digits or base64'),
  /** Model calls: first retry delay when the provider sends no Retry-After; doubles per retry up to the max. */
  MODEL_RETRY_BASE_MS: z.coerce.number().int().min(0).default(500),
  MODEL_RETRY_MAX_MS: z.coerce.number().int().min(0).default(8000),
  /** Model calls: the longest Retry-After honoured; a provider asking for longer fails the call (retryable later). */
  MODEL_RETRY_AFTER_MAX_MS: z.coerce.number().int().min(0).default(60_000),
  /** Online evaluation: how often sampled production generations are scored (the loop's interval). */
  ONLINE_EVAL_INTERVAL_MS: z.coerce.number().int().min(100).default(10_000),
  /** Online evaluation: a minute of traffic is scored once it ended this long ago (late spans still arrive). */
  ONLINE_EVAL_SETTLE_MS: z.coerce.number().int().min(0).default(30_000),
});

/** The 32 bytes of CONNECTION_SECRET_KEY (64 hex digits or base64), or undefined when it is not that. */
export function secretKeyBytes(text: string): Buffer | undefined {
  const bytes = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  return bytes.length === 32 ? bytes : undefined;
}

export type Config = z.infer<typeof configSchema>;

/** Reads the configuration from an environment; throws a readable error naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.fromEntries(Object.keys(configSchema.shape).map((k) => [k, env[k]]));
  const parsed = configSchema.safeParse(known);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}
