import { isIPv6 } from 'node:net';
import type { Config } from '../config.js';

export interface AuthThrottleSettings {
  /** Failed authentications a client address may make per window (the bucket's size). */
  limit: number;
  windowMs: number;
  /** Client addresses tracked at most; the least recently seen is forgotten first. */
  maxClients?: number;
}

const DEFAULT_MAX_CLIENTS = 10_000;

/**
 * Failed-authentication rate limit per client address, shared by the API and the collector: a token bucket of
 * `limit` failures that refills over `windowMs`. While an address has no failure left, every request of it that
 * needs a key is answered 429 with Retry-After *without looking at the key* — a right key included, or the answer
 * would tell a guesser when it hit. Memory is bounded by `maxClients`.
 */
export class AuthThrottle {
  private readonly clients = new Map<string, { tokens: number; at: number }>();
  private readonly maxClients: number;

  constructor(private readonly settings: AuthThrottleSettings) {
    this.maxClients = settings.maxClients ?? DEFAULT_MAX_CLIENTS;
  }

  /** Seconds the client must wait before presenting a key again; 0 when it may. */
  retryAfterSeconds(address: string | undefined, now = Date.now()): number {
    const bucket = this.bucket(clientKey(address), now);
    if (bucket === undefined || bucket.tokens >= 1) return 0;
    return Math.ceil(((1 - bucket.tokens) * this.settings.windowMs) / this.settings.limit / 1000);
  }

  /** Records a wrong key presented by the client. */
  failed(address: string | undefined, now = Date.now()): void {
    const key = clientKey(address);
    const bucket = this.bucket(key, now) ?? { tokens: this.settings.limit, at: now };
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    this.clients.delete(key); // re-inserted last: the Map's order is least recently seen first
    this.clients.set(key, bucket);
    if (this.clients.size > this.maxClients) this.clients.delete(this.clients.keys().next().value ?? key);
  }

  /** The client's bucket refilled up to now; a full bucket is forgotten (it holds no information). */
  private bucket(key: string, now: number): { tokens: number; at: number } | undefined {
    const bucket = this.clients.get(key);
    if (!bucket) return undefined;
    const refill = ((now - bucket.at) / this.settings.windowMs) * this.settings.limit;
    bucket.tokens = Math.min(this.settings.limit, bucket.tokens + refill);
    bucket.at = now;
    if (bucket.tokens >= this.settings.limit) {
      this.clients.delete(key);
      return undefined;
    }
    return bucket;
  }
}

/** The process's throttle from the configuration (one for every port, so the budget is per address, not per port). */
export function authThrottleFor(config: Pick<Config, 'AUTH_FAILURE_LIMIT' | 'AUTH_FAILURE_WINDOW_MS'>): AuthThrottle {
  return new AuthThrottle({ limit: config.AUTH_FAILURE_LIMIT, windowMs: config.AUTH_FAILURE_WINDOW_MS });
}

/**
 * The unit a limit applies to: an IPv4 address (IPv4-mapped IPv6 included), or the /64 network of an IPv6 address —
 * one host usually holds a whole /64, so counting single IPv6 addresses would limit nothing.
 */
export function clientKey(address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return mapped;
  if (!isIPv6(address)) return address;
  return expandIpv6(address).slice(0, 4).join(':') + '::/64';
}

function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...zeros, ...right].map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''));
}
