import { badRequest } from '../http/errors.js';
import type { AddressPolicy } from './address-policy.js';
import { checkResolvedHost, checkTargetUrl, OutboundRefusedError, systemResolver } from './outbound-target.js';

/** How long configuration waits for DNS before accepting the URL anyway (every request checks the addresses again). */
const RESOLVE_TIMEOUT_MS = 2000;

/**
 * A URL someone configures (a webhook receiver, a model connection's base URL) is refused when it is saved — 400
 * naming `field` — when it has credentials, or when its host is, or resolves to, an address the outbound policy
 * forbids. A host that does not resolve from here is accepted: DNS may differ between now and a request, and every
 * request checks again before it connects.
 */
export async function checkConfiguredUrl(url: string, policy: AddressPolicy, field: string): Promise<void> {
  try {
    const parsed = checkTargetUrl(url, policy);
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('DNS timeout')), RESOLVE_TIMEOUT_MS).unref(),
    );
    await Promise.race([checkResolvedHost(parsed.hostname, policy, systemResolver), timeout]);
  } catch (err) {
    if (err instanceof OutboundRefusedError) throw badRequest(`${field}: ${err.message}`, field);
  }
}
