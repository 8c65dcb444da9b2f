import { currentKey, onUnauthorized } from './api.js';
import { clearKey, saveKey } from './api-key.js';
import type { Me, Role } from './api-types.js';

/**
 * Who is signed in. The app asks `GET /api/v1/me` at start; any 401 (missing, wrong or revoked key) switches
 * to the sign-in form, and signing in again resumes the page that was open.
 */
class Session {
  me = $state<Me | undefined>(undefined);
  needsKey = $state(false);
  /** Why the key was refused, shown on the sign-in form. */
  message = $state<string | undefined>(undefined);

  constructor() {
    onUnauthorized((error) => {
      this.needsKey = true;
      // A first visit presents no key: ask for one without calling it wrong.
      this.message = currentKey() === undefined ? undefined : error.message;
    });
  }

  signedIn(me: Me): void {
    this.me = me;
    this.needsKey = false;
    this.message = undefined;
  }

  useKey(key: string, remember: boolean): void {
    saveKey({ local: localStorage, session: sessionStorage }, key, remember);
  }

  signOut(): void {
    clearKey({ local: localStorage, session: sessionStorage });
    this.me = undefined;
    this.needsKey = true;
    this.message = undefined;
  }

  /** True when the signed-in key's role is at least `role` (and so the action can be offered). */
  can(role: Role): boolean {
    const order: Role[] = ['viewer', 'scorer', 'deployer', 'admin'];
    return this.me !== undefined && order.indexOf(this.me.role) >= order.indexOf(role);
  }
}

export const session = new Session();
