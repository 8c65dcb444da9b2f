import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { AuthThrottle } from './auth-throttle.js';
import { badRequest, forbidden, tooManyRequests, unauthorized } from './errors.js';

/**
 * Roles from least to most allowed; each may do what the ones before it may. `viewer` reads everything; `scorer`
 * reads and also posts scores (`POST /api/v1/scores`) — the key an application holds to send feedback, which may
 * not change a prompt or a deployment; `deployer` writes drafts and versions, deploys, rolls back, promotes and
 * reviews; `admin` manages environments, webhooks, connections and keys.
 */
export const ROLES = ['viewer', 'scorer', 'deployer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who made a request: the API key's name (recorded as the actor of every event) and its role. */
export interface Actor {
  name: string;
  role: Role;
}

declare module 'express-serve-static-core' {
  interface Locals {
    actor: Actor;
  }
}

export interface ApiKey extends Actor {
  secret: string;
}

/** Parses API_KEYS entries of the form `name:role:secret`. */
export function parseApiKeys(entries: readonly string[]): ApiKey[] {
  return entries.map((entry) => {
    const [name, role, ...rest] = entry.split(':');
    const secret = rest.join(':');
    if (!name || !secret || !ROLES.includes(role as Role)) {
      throw new Error(`API_KEYS entry "${name ?? ''}:…" must be name:role:secret with role ${ROLES.join(', ')}`);
    }
    return { name, role: role as Role, secret };
  });
}

/** Looks up the secret a request presents; keys may come from configuration or from the registry's key table. */
export interface KeyRing {
  /** True when any key exists; with none, every request acts as the local admin. */
  enabled(): boolean;
  find(secret: string): Promise<Actor | undefined>;
  /** Drops what lookups remembered (after a key is revoked). */
  forget(): void;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison of a presented secret against known ones. */
export function staticKeyRing(keys: readonly ApiKey[]): KeyRing {
  const hashed = keys.map((k) => ({ actor: { name: k.name, role: k.role }, hash: digest(k.secret) }));
  return {
    enabled: () => hashed.length > 0,
    find: (secret) => {
      const presented = digest(secret);
      return Promise.resolve(hashed.find((k) => timingSafeEqual(k.hash, presented))?.actor);
    },
    forget: () => {},
  };
}

/** The secret a request presents: `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function presentedSecret(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header !== undefined) {
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match?.[1]) throw badRequest('Authorization header must be "Bearer <key>"', 'authorization');
    return match[1].trim();
  }
  return req.get('x-api-key')?.trim() || undefined;
}

export const LOCAL_ADMIN: Actor = { name: 'local', role: 'admin' };

/**
 * Sets `res.locals.actor` from the presented key, or the local admin when no keys are configured. A client address
 * with too many wrong keys is answered 429 before its key is even looked at (auth-throttle.ts).
 */
export function authenticate(keys: KeyRing, throttle: AuthThrottle): RequestHandler {
  return async (req, res, next) => {
    if (!keys.enabled()) {
      res.locals.actor = LOCAL_ADMIN;
      return next();
    }
    res.locals.actor = await identify(req, res, keys, throttle, presentedSecret(req));
    next();
  };
}

/** The actor of `secret` (wherever the request presented it); 429 while the client is throttled, 401 when unknown. */
export async function identify(
  req: Request,
  res: Response,
  keys: KeyRing,
  throttle: AuthThrottle,
  secret: string | undefined,
): Promise<Actor> {
  const wait = throttle.retryAfterSeconds(req.ip);
  if (wait > 0) {
    res.set('Retry-After', String(wait));
    throw tooManyRequests(`too many wrong keys from this address: retry in ${wait} s`);
  }
  const actor = secret === undefined ? undefined : await keys.find(secret);
  if (actor) return actor;
  if (secret !== undefined) throttle.failed(req.ip);
  throw unauthorized();
}

const rank = (role: Role) => ROLES.indexOf(role);

/** Allows the request only when the actor's role is at least `role`. */
export function requireRole(role: Role): RequestHandler {
  return (_req, res, next) => {
    if (rank(res.locals.actor.role) < rank(role)) {
      throw forbidden(
        `this action needs the ${role} role; key "${res.locals.actor.name}" has ${res.locals.actor.role}`,
      );
    }
    next();
  };
}
