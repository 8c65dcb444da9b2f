import { createHash } from 'node:crypto';
import { matchTemplate } from '../../clients/typescript/src/render.js';
import type { NewChange, Observation } from './change-log.js';
import type { CapturedPromptGroup } from './drift-scan-query.js';

/** The change id of a drift: one per environment, prompt and claimed version (later texts add to its count). */
function driftChangeId(environment: string, prompt: string, version: string): string {
  const digest = createHash('sha256').update(JSON.stringify(['prompt_drift', environment, prompt, version]));
  return `chg_${digest.digest('hex').slice(0, 24)}`;
}

const EXCERPT = 120;

/** Where two texts part, with a little of each from there: the evidence people read first. */
function firstDifference(template: string, text: string): { offset: number; template: string; captured: string } {
  let offset = 0;
  while (offset < template.length && offset < text.length && template[offset] === text[offset]) offset++;
  const from = Math.max(0, offset - 20);
  return { offset, template: template.slice(from, offset + EXCERPT), captured: text.slice(from, offset + EXCERPT) };
}

export interface DriftFindings {
  /** Changes to record (each drifting version's first group of this scan). */
  changes: NewChange[];
  /** Spans not matching their version, per change. */
  observations: Observation[];
}

/**
 * Which captured system prompts are not their claimed version's template rendered with some values (pure). Groups
 * whose version has no template are skipped: nothing to compare with.
 */
export function findDrift(
  groups: readonly CapturedPromptGroup[],
  templateOf: (g: CapturedPromptGroup) => string | null,
  detectedAt: string,
): DriftFindings {
  const changes = new Map<string, NewChange>();
  const observations = new Map<string, Observation>();
  for (const g of groups) {
    const template = templateOf(g);
    if (template === null || matchTemplate(template, g.text) !== null) continue;
    const id = driftChangeId(g.environment, g.prompt, g.version);
    const seen = observations.get(id);
    observations.set(id, {
      changeId: id,
      time: seen && seen.time < g.first ? seen.time : g.first,
      lastSeen: seen && seen.lastSeen > g.last ? seen.lastSeen : g.last,
      spans: (seen?.spans ?? 0) + g.spans,
      exampleTraceId: seen?.exampleTraceId ?? g.traceId,
    });
    if (changes.has(id)) continue;
    changes.set(id, {
      id,
      kind: 'prompt_drift',
      time: g.first,
      detectedAt,
      environment: g.environment,
      prompt: g.prompt,
      version: g.version,
      model: g.model,
      before: '',
      after: g.hash,
      prompts: [g.prompt],
      exampleTraceId: g.traceId,
      exampleSpanId: g.spanId,
      evidence: { capturedStart: g.text.slice(0, 500), difference: firstDifference(template, g.text) },
    });
  }
  return { changes: [...changes.values()], observations: [...observations.values()] };
}
