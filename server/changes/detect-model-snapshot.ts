import { createHash } from 'node:crypto';
import type { NewChange, Observation } from './change-log.js';
import type { AnsweringModel, KnownResponseModel } from './snapshot-scan-query.js';

/**
 * A response model answering a requested model in an environment is a snapshot switch when another response model
 * answered it at least SWITCH_GAP_MS before this one first did. Models that appear together (a provider balancing
 * two snapshots, or the first scan of an installation) are both simply remembered.
 */
const SWITCH_GAP_MS = 5 * 60_000;

export interface SnapshotFindings {
  changes: NewChange[];
  /**
   * Spans of every answering model under the id its switch has or would have: the caller keeps those of the new
   * changes and of switches recorded earlier (a switch goes on being counted, and `lastSeen` moves, while it lasts).
   */
  observations: Observation[];
  /** What to remember: every response model seen, with its first and latest sighting. */
  seen: KnownResponseModel[];
}

function changeId(environment: string, model: string, responseModel: string): string {
  const digest = createHash('sha256').update(JSON.stringify(['model_snapshot', environment, model, responseModel]));
  return `chg_${digest.digest('hex').slice(0, 24)}`;
}

/** Compares a scan's answering models (oldest first sighting first) with those known before (pure). */
export function findSnapshotSwitches(
  scanned: readonly AnsweringModel[],
  known: readonly KnownResponseModel[],
  detectedAt: string,
): SnapshotFindings {
  const memory = new Map<string, KnownResponseModel>();
  const keyOf = (k: { environment: string; model: string; responseModel: string }) =>
    JSON.stringify([k.environment, k.model, k.responseModel]);
  for (const k of known) memory.set(keyOf(k), k);
  const findings: SnapshotFindings = { changes: [], observations: [], seen: [] };
  for (const a of [...scanned].sort((x, y) => x.first.localeCompare(y.first))) {
    const previous = memory.get(keyOf(a));
    const others = [...memory.values()].filter(
      (k) => k.environment === a.environment && k.model === a.model && k.responseModel !== a.responseModel,
    );
    const earlier = others.filter((k) => Date.parse(k.firstSeen) <= Date.parse(a.first) - SWITCH_GAP_MS);
    const id = changeId(a.environment, a.model, a.responseModel);
    findings.observations.push({
      changeId: id,
      time: a.first,
      lastSeen: a.last,
      spans: a.spans,
      exampleTraceId: a.traceId,
    });
    if (!previous && earlier.length > 0) {
      const before = earlier.reduce((x, y) => (y.lastSeen > x.lastSeen ? y : x));
      findings.changes.push({
        id,
        kind: 'model_snapshot',
        time: a.first,
        detectedAt,
        environment: a.environment,
        prompt: '',
        version: '',
        model: a.model,
        before: before.responseModel,
        after: a.responseModel,
        prompts: a.prompts,
        exampleTraceId: a.traceId,
        exampleSpanId: a.spanId,
        evidence: {
          seenBefore: others.map((k) => ({
            responseModel: k.responseModel,
            firstSeen: k.firstSeen,
            lastSeen: k.lastSeen,
          })),
        },
      });
    }
    const remembered = {
      environment: a.environment,
      model: a.model,
      responseModel: a.responseModel,
      firstSeen: previous && previous.firstSeen < a.first ? previous.firstSeen : a.first,
      lastSeen: previous && previous.lastSeen > a.last ? previous.lastSeen : a.last,
    };
    memory.set(keyOf(a), remembered);
    findings.seen.push(remembered);
  }
  return findings;
}
