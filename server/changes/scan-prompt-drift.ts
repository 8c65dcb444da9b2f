import type { Store } from '../store/store.js';
import { addObservations, insertChange, knownChangeIds, type NewChange } from './change-log.js';
import { findDrift } from './detect-prompt-drift.js';
import { queryCapturedPrompts } from './drift-scan-query.js';
import type { VersionTemplates } from './version-templates.js';

/**
 * One scan for prompt text drift over [from, to): group the captured system prompts, compare each with its claimed
 * version's template, record the drifts not yet known and count every mismatching span. Returns the new changes.
 */
export async function scanPromptDrift(
  store: Store,
  templates: VersionTemplates,
  from: number,
  to: number,
): Promise<NewChange[]> {
  const groups = await queryCapturedPrompts(store, from, to);
  const resolved = new Map<string, string | null>();
  for (const g of groups) {
    const key = `${g.prompt}\u0000${g.version}`;
    if (!resolved.has(key)) resolved.set(key, await templates.get(g.prompt, g.version));
  }
  const findings = findDrift(
    groups,
    (g) => resolved.get(`${g.prompt}\u0000${g.version}`) ?? null,
    new Date().toISOString(),
  );
  const known = await knownChangeIds(
    store,
    findings.changes.map((c) => c.id),
  );
  const fresh = findings.changes.filter((c) => !known.has(c.id));
  for (const change of fresh) await insertChange(store, change);
  await addObservations(store, findings.observations);
  return fresh;
}
