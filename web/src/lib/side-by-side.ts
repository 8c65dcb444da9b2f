import type { DiffLine } from './api-types.js';

/** One row of a side-by-side diff: the old line on the left, the new one on the right (either may be absent). */
export interface SideRow {
  left: { text: string; op: 'equal' | 'remove' } | null;
  right: { text: string; op: 'equal' | 'add' } | null;
}

/**
 * Turns a line diff into side-by-side rows: equal lines on both sides, and each run of removed lines paired
 * with the run of added lines that follows it (a changed block), the shorter side padded with blanks.
 */
export function sideBySide(lines: readonly DiffLine[]): SideRow[] {
  const rows: SideRow[] = [];
  let removed: string[] = [];
  let added: string[] = [];
  const flush = () => {
    for (let i = 0; i < Math.max(removed.length, added.length); i++) {
      const l = removed[i];
      const r = added[i];
      rows.push({
        left: l === undefined ? null : { text: l, op: 'remove' },
        right: r === undefined ? null : { text: r, op: 'add' },
      });
    }
    removed = [];
    added = [];
  };
  for (const line of lines) {
    if (line.op === 'equal') {
      flush();
      rows.push({ left: { text: line.text, op: 'equal' }, right: { text: line.text, op: 'equal' } });
    } else if (line.op === 'remove') {
      if (added.length > 0) flush();
      removed.push(line.text);
    } else {
      added.push(line.text);
    }
  }
  flush();
  return rows;
}

/** Any JSON value as readable text for a diff cell. */
export function jsonText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2);
}
