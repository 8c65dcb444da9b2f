import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import type { AddressPolicy } from './address-policy.js';

/** Resolves a host name to all its addresses (node:dns `lookup` with `all: true`; tests pass their own). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

/** An outbound request Tracelane refuses to make; the message says why and how to allow an internal receiver. */
export class OutboundRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefusedError';
  }
}

const ALLOW_HINT = 'allow internal receivers with OUTBOUND_ALLOWED_NETWORKS';

/**
 * The checks that need no network: an absolute http(s) URL without credentials (`user:password@` would be sent
 * to the receiver and kept in Tracelane's configuration) whose host, if it is an IP address, may be reached.
 * Returns the parsed URL.
 */
export function checkTargetUrl(text: string, policy: AddressPolicy): URL {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new OutboundRefusedError('must be an absolute http or https URL');
  }
  if (url.username !== '' || url.password !== '') {
    throw new OutboundRefusedError('must not contain credentials (user:password@); use the signing secret');
  }
  const literal = hostAddress(url);
  if (literal !== undefined) refuseIfForbidden(literal, policy);
  return url;
}

/**
 * Every address `hostname` resolves to must be allowed: one forbidden answer refuses the host (a name that resolves
 * to a public and a private address cannot be trusted either way). Returns the addresses.
 */
export async function checkResolvedHost(hostname: string, policy: AddressPolicy, resolve: Resolver): Promise<string[]> {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  const addresses = isIP(host) === 0 ? (await resolve(host)).map((a) => a.address) : [host];
  for (const address of addresses) refuseIfForbidden(address, policy, address === host ? undefined : host);
  return addresses;
}

/** The host as an IP address when it is one (`[::1]` → `::1`), else undefined (a name to resolve). */
export function hostAddress(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) === 0 ? undefined : host;
}

function refuseIfForbidden(address: string, policy: AddressPolicy, hostname?: string): void {
  const forbidden = policy.forbidden(address);
  if (forbidden === null) return;
  const what = hostname === undefined ? address : `${hostname} resolves to ${address}, which`;
  throw new OutboundRefusedError(`${what} is a ${forbidden} address; ${ALLOW_HINT}`);
}
