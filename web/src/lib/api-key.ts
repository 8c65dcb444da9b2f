/**
 * The API key the UI signs in with. "Remember me" keeps it in localStorage; otherwise it lives in
 * sessionStorage and is gone when the tab closes. Storage is injected so the logic is testable.
 */
const KEY = 'tracelane.apiKey';

export interface KeyStorage {
  local: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  session: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
}

export function loadKey(storage: KeyStorage): string | undefined {
  return storage.session.getItem(KEY) ?? storage.local.getItem(KEY) ?? undefined;
}

export function saveKey(storage: KeyStorage, key: string, remember: boolean): void {
  clearKey(storage);
  (remember ? storage.local : storage.session).setItem(KEY, key.trim());
}

export function clearKey(storage: KeyStorage): void {
  storage.local.removeItem(KEY);
  storage.session.removeItem(KEY);
}
