import type { Store } from '../store/store.js';

/** How a connection's secret is found. `sealed` holds the encrypted secret and never leaves the server. */
export type SecretSource = { source: 'env'; env: string } | { source: 'stored'; sealed: string } | { source: 'none' };

export const CONNECTION_KINDS = ['openai', 'anthropic'] as const;
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];

/** A model connection as the server uses it. */
export interface Connection {
  name: string;
  kind: ConnectionKind;
  baseUrl: string;
  secret: SecretSource;
  maxConcurrency: number;
  requestsPerMinute: number;
  timeoutMs: number;
  maxRetries: number;
  description: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

interface Row {
  id: string;
  name: string;
  kind: string;
  base_url: string;
  secret_env: string;
  secret_sealed: string;
  max_concurrency: number;
  requests_per_minute: number;
  timeout_ms: number;
  max_retries: number;
  description: string;
  created_at: string;
  created_by: string;
  updated_at: string;
}

const COLUMNS =
  'id, name, kind, base_url, secret_env, secret_sealed, max_concurrency, requests_per_minute, timeout_ms, max_retries, description, created_at, created_by, updated_at';

const fromRow = (r: Row): Connection => ({
  name: r.name,
  kind: r.kind as ConnectionKind,
  baseUrl: r.base_url,
  secret:
    r.secret_sealed !== ''
      ? { source: 'stored', sealed: r.secret_sealed }
      : r.secret_env !== ''
        ? { source: 'env', env: r.secret_env }
        : { source: 'none' },
  maxConcurrency: r.max_concurrency,
  requestsPerMinute: r.requests_per_minute,
  timeoutMs: r.timeout_ms,
  maxRetries: r.max_retries,
  description: r.description,
  createdAt: r.created_at,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
});

export async function listConnections(store: Store): Promise<Connection[]> {
  const rows = await store.query<Row>(`SELECT ${COLUMNS} FROM model_connections FINAL WHERE deleted = 0 ORDER BY name`);
  return rows.map(fromRow);
}

export async function findConnection(store: Store, name: string): Promise<Connection | undefined> {
  const rows = await store.query<Row>(
    `SELECT ${COLUMNS} FROM model_connections FINAL WHERE id = {name:String} AND deleted = 0`,
    { name },
  );
  return rows[0] && fromRow(rows[0]);
}

export async function writeConnection(store: Store, c: Connection, deleted = false): Promise<void> {
  await store.insert('model_connections', [
    {
      id: c.name,
      name: c.name,
      kind: c.kind,
      base_url: c.baseUrl,
      secret_env: c.secret.source === 'env' ? c.secret.env : '',
      secret_sealed: c.secret.source === 'stored' ? c.secret.sealed : '',
      max_concurrency: c.maxConcurrency,
      requests_per_minute: c.requestsPerMinute,
      timeout_ms: c.timeoutMs,
      max_retries: c.maxRetries,
      description: c.description,
      created_at: c.createdAt,
      created_by: c.createdBy,
      deleted: deleted ? 1 : 0,
      updated_at: c.updatedAt,
    },
  ]);
}
