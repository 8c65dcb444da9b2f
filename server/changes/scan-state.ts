import type { Store } from '../store/store.js';

/** How far a detector has scanned the spans (epoch ms), or undefined before its first scan. */
export async function scannedTo(store: Store, detector: string): Promise<number | undefined> {
  const rows = await store.query<{ scanned_to: string }>(
    'SELECT scanned_to FROM change_scan_state FINAL WHERE detector = {detector:String}',
    { detector },
  );
  return rows[0] ? Date.parse(rows[0].scanned_to) : undefined;
}

export async function saveScannedTo(store: Store, detector: string, to: number): Promise<void> {
  const now = new Date().toISOString();
  await store.insert('change_scan_state', [{ detector, scanned_to: new Date(to).toISOString(), updated_at: now }]);
}
