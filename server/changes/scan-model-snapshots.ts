import type { Store } from '../store/store.js';
import { addObservations, insertChange, knownChangeIds, type NewChange } from './change-log.js';
import { findSnapshotSwitches } from './detect-model-snapshot.js';
import { knownResponseModels, queryAnsweringModels, rememberResponseModels } from './snapshot-scan-query.js';

/**
 * One scan for model snapshot switches over [from, to): which response models answered which requested models,
 * against those remembered from earlier scans. Records the switches not yet known and counts the spans of every
 * recorded one; returns the new switches.
 */
export async function scanModelSnapshots(store: Store, from: number, to: number): Promise<NewChange[]> {
  const scanned = await queryAnsweringModels(store, from, to);
  const pairs = [...new Map(scanned.map((a) => [JSON.stringify([a.environment, a.model]), a])).values()];
  const known = await knownResponseModels(store, pairs);
  const findings = findSnapshotSwitches(scanned, known, new Date().toISOString());
  const recorded = await knownChangeIds(
    store,
    findings.observations.map((o) => o.changeId),
  );
  const fresh = findings.changes.filter((c) => !recorded.has(c.id));
  for (const change of fresh) await insertChange(store, change);
  // A switch found again (a scan stopped before remembering its models) is not counted twice; one recorded earlier
  // goes on counting while it lasts.
  const found = new Set(findings.changes.map((c) => c.id));
  const freshIds = new Set(fresh.map((c) => c.id));
  await addObservations(
    store,
    findings.observations.filter((o) => (found.has(o.changeId) ? freshIds.has(o.changeId) : recorded.has(o.changeId))),
  );
  await rememberResponseModels(store, findings.seen);
  return fresh;
}
