/**
 * Times the registry writes. ReplacingMergeTree keeps the row with the greatest version column, and lanes replay
 * by time, so a write that follows another one on the same object gets a strictly later millisecond.
 */
export function nowIso(): string {
  return new Date().toISOString();
}

/** Now, or 1 ms after `previous` when the clock has not moved past it. */
export function timeAfter(previous: string | null | undefined): string {
  const now = Date.now();
  if (!previous) return new Date(now).toISOString();
  return new Date(Math.max(now, Date.parse(previous) + 1)).toISOString();
}
