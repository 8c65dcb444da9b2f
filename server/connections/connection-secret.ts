import { secretKeyBytes } from '../config.js';
import { badRequest } from '../http/errors.js';
import type { Connection, SecretSource } from './connection-table.js';
import { openSecret, sealSecret } from './secret-box.js';

/** The secret of a connection at call time; throws an Error naming where it looked (never containing a secret). */
export function connectionSecret(c: Connection, secretKey: string, env: NodeJS.ProcessEnv = process.env): string {
  if (c.secret.source === 'none') return '';
  if (c.secret.source === 'env') {
    // The connection names the variable: it is read here, at call time, so a rotated secret takes effect at once.
    const value = env[c.secret.env] ?? '';
    if (value === '')
      throw new Error(`environment variable ${c.secret.env} (secret of connection ${c.name}) is not set`);
    return value;
  }
  const key = secretKeyBytes(secretKey);
  if (!key) throw new Error(`connection ${c.name} has a stored secret but CONNECTION_SECRET_KEY is not set`);
  return openSecret(key, c.secret.sealed, c.name);
}

/** The secret source for a request's `secret` / `secretEnv`; storing a secret needs CONNECTION_SECRET_KEY. */
export function secretSource(
  name: string,
  body: { secret?: string; secretEnv?: string },
  secretKey: string,
): SecretSource | undefined {
  if (body.secretEnv !== undefined) return { source: 'env', env: body.secretEnv };
  if (body.secret === undefined) return undefined;
  const key = secretKeyBytes(secretKey);
  if (!key) {
    throw badRequest(
      'secret: storing a secret needs CONNECTION_SECRET_KEY on the server; or name an environment variable with secretEnv',
      'secret',
    );
  }
  return { source: 'stored', sealed: sealSecret(key, body.secret, name) };
}
