import { badRequest } from '../http/errors.js';
import type { AddressPolicy } from './address-policy.js';
import { checkResolvedHost, checkTargetUrl, OutboundRefusedError, systemResolver } from './outbound-target.js';

/** How long creation waits for DNS before accepting the URL anyway (every delivery checks the addresses again). */
const RESOLVE_TIMEOUT_MS = 2000;

/**
 * A receiver URL (a webhook's, a notification channel's) is refused when it is configured (400 naming `field`) if it
 * has credentials, or its host is, or resolves to, an address the outbound policy forbids. A host that does not
 * resolve from here is accepted: DNS may differ between now and a delivery, and each delivery checks again before
 * it connects.
 */
export async function checkReceiver(url: string, policy: AddressPolicy, field: string): Promise<void> {
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
