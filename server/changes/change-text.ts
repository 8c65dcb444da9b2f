import type { ChangeEvent } from './change-log.js';

/** One line saying what changed, for lists, chart flags and alert messages. */
export function describeChange(
  c: Pick<ChangeEvent, 'kind' | 'model' | 'before' | 'after' | 'prompt' | 'version'>,
): string {
  if (c.kind === 'model_snapshot') {
    return `model snapshot behind ${c.model}: ${c.before || 'unknown'} → ${c.after}`;
  }
  return `prompt text drift: ${c.prompt} v${c.version} runs a system prompt that version does not render`;
}
