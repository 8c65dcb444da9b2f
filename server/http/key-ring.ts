import type { Store } from '../store/store.js';
import { staticKeyRing, type ApiKey, type KeyRing } from './auth.js';
import { findStoredKey } from './stored-keys.js';

/**
 * The keys the API accepts: those configured in API_KEYS, then those stored through `/api/v1/keys`.
 *
 * Bootstrap rule: authentication is on exactly when API_KEYS configures at least one key. Stored keys count only
 * then — a configured admin key is the break-glass key no API call can revoke, so nobody locks themselves out.
 * With no configured key the server listens on loopback only and every local request acts as the local admin;
 * stored keys are ignored, and creating one is refused.
 */
export function combinedKeyRing(configured: readonly ApiKey[], store: Store): KeyRing {
  const fromConfig = staticKeyRing(configured);
  return {
    enabled: () => configured.length > 0,
    find: async (secret) => (await fromConfig.find(secret)) ?? (await findStoredKey(store, secret)),
  };
}
