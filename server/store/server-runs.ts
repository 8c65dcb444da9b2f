import { randomUUID } from 'node:crypto';
import type { Store } from './store.js';

export interface ServerRun {
  /** The previous run did not stop cleanly (a crash, kill -9): writes may have been cut in half. */
  previousUnclean: boolean;
  /** Records the clean stop; call once everything is flushed, just before the store closes. */
  stopped(): Promise<void>;
}

/** Records the start of this run (server_runs) and tells whether the one before it stopped cleanly. */
export async function startRun(store: Store): Promise<ServerRun> {
  const [previous] = await store.query<{ stopped: number }>(
    'SELECT stopped_at IS NOT NULL AS stopped FROM server_runs FINAL ORDER BY started_at DESC LIMIT 1',
  );
  const id = randomUUID();
  const startedAt = new Date().toISOString();
  await store.insert('server_runs', [{ id, started_at: startedAt, stopped_at: null, updated_at: startedAt }]);
  return {
    previousUnclean: previous !== undefined && previous.stopped === 0,
    stopped: async () => {
      const now = new Date(Math.max(Date.now(), Date.parse(startedAt) + 1)).toISOString();
      await store.insert('server_runs', [{ id, started_at: startedAt, stopped_at: now, updated_at: now }]);
    },
  };
}
