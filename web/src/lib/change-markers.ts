import type { ChangeItem } from './api-types.js';

/**
 * How a change nobody announced looks on a chart: a violet dashed line (deployments take their version's colour),
 * with a flag saying what changed.
 */
export const CHANGE_COLOR = '#7b3fe4';
export const CHANGE_DASH = [4, 3];

export const CHANGE_ICON: Record<ChangeItem['kind'], string> = { model_snapshot: '⇄', prompt_drift: '≠' };

/** The flag text: the new snapshot (`gpt-4o-mini-2025-01-31`, or `gpt-4o → other-model`) or `prompt text ≠ v1`. */
export function changeLabel(c: Pick<ChangeItem, 'kind' | 'model' | 'after' | 'version'>): string {
  if (c.kind === 'prompt_drift') return `prompt text ≠ v${c.version}`;
  return c.after.startsWith(c.model) ? c.after : `${c.model} → ${c.after}`;
}
