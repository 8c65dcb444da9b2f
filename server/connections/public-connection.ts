import type { Connection } from './connection-table.js';

/** How the API shows a connection's secret: where it comes from and whether it is there — never the value. */
export type PublicSecret =
  | { source: 'env'; env: string; available: boolean }
  | { source: 'stored'; available: true }
  | { source: 'none'; available: false };

export type PublicConnection = Omit<Connection, 'secret'> & { secret: PublicSecret };

/** The one place a connection is turned into API output: the sealed secret is dropped here. */
export function publicConnection(c: Connection, env: NodeJS.ProcessEnv = process.env): PublicConnection {
  const secret: PublicSecret =
    c.secret.source === 'env'
      ? { source: 'env', env: c.secret.env, available: (env[c.secret.env] ?? '') !== '' }
      : c.secret.source === 'stored'
        ? { source: 'stored', available: true }
        : { source: 'none', available: false };
  return { ...c, secret };
}
