/**
 * One colour per prompt version, the same on every page: the version number picks a slot in a fixed palette
 * (Tableau 10, distinguishable and readable on white). Non-numeric versions hash to a slot.
 */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#76b7b2',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const;

export function versionSlot(version: number | string): number {
  const text = String(version).trim();
  const numeric = /^v?(\d+)$/i.exec(text);
  if (numeric) return (Number(numeric[1]) - 1 + PALETTE.length * 1000) % PALETTE.length;
  let hash = 0;
  for (const ch of text) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return hash % PALETTE.length;
}

export function versionColor(version: number | string): string {
  return PALETTE[versionSlot(version)] ?? PALETTE[0];
}

/** Fixed colours for series that are not versions. */
export const SERIES = {
  p50: '#4e79a7',
  p95: '#f28e2b',
  p99: '#e15759',
  errors: '#e15759',
  cost: '#59a14f',
  input: '#76b7b2',
  output: '#b07aa1',
  quality: '#4e79a7',
  requests: '#9c755f',
} as const;

/** Verdict colours (badges, shaded windows). */
export const VERDICT_COLORS = {
  pass: '#2e7d32',
  warn: '#b26a00',
  fail: '#c62828',
  inconclusive: '#616161',
} as const;
