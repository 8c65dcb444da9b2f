import type { Store } from '../store/store.js';
import { staticKeyRing, type Actor, type ApiKey, type KeyRing } from './auth.js';
import { findStoredKey, secretSha256, STORED_KEY_SHAPE } from './stored-keys.js';

/** How long a stored-key lookup is remembered: unknown secrets longer (they never become valid: secrets are random). */
const KNOWN_TTL_MS = 10_000;
const UNKNOWN_TTL_MS = 60_000;
const MAX_REMEMBERED = 10_000;

/**
 * The keys the API accepts: those configured in API_KEYS, then those stored through `/api/v1/keys`.
 *
 * Bootstrap rule: authentication is on exactly when API_KEYS configures at least one key. Stored keys count only
 * then — a configured admin key is the break-glass key no API call can revoke, so nobody locks themselves out.
 * With no configured key the server listens on loopback only and every local request acts as the local admin;
 * stored keys are ignored, and creating one is refused.
 *
 * The store is asked only for secrets shaped like a stored key (`tl_…`), and each answer is remembered for a while
 * (a revocation in this process forgets them at once), so wrong keys cost no query after the first.
 */
export function combinedKeyRing(configured: readonly ApiKey[], store: Store): KeyRing {
  const fromConfig = staticKeyRing(configured);
  const remembered = new Map<string, { actor: Actor | null; until: number }>();
  const lookUp = async (secret: string): Promise<Actor | undefined> => {
    if (!STORED_KEY_SHAPE.test(secret)) return undefined;
    const hash = secretSha256(secret);
    const known = remembered.get(hash);
    if (known && known.until > Date.now()) return known.actor ?? undefined;
    const actor = await findStoredKey(store, hash);
    if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.keys().next().value ?? hash);
    remembered.set(hash, { actor: actor ?? null, until: Date.now() + (actor ? KNOWN_TTL_MS : UNKNOWN_TTL_MS) });
    return actor;
  };
  return {
    enabled: () => configured.length > 0,
    find: async (secret) => (await fromConfig.find(secret)) ?? (await lookUp(secret)),
    forget: () => remembered.clear(),
  };
}
