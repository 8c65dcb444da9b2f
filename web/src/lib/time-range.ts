/**
 * The time window every view shows: a relative preset ("last hour", moving with the clock) or an absolute
 * window. It lives in the URL (`?range=1h` or `?from=<ISO>&to=<ISO>`) so a view is a shareable link.
 */
export const PRESETS = [
  { id: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '6h', label: 'Last 6 hours', ms: 6 * 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;

export type PresetId = (typeof PRESETS)[number]['id'];

export type TimeRange = { kind: 'preset'; preset: PresetId } | { kind: 'absolute'; from: number; to: number };

export interface Window {
  from: number;
  to: number;
}

export const DEFAULT_RANGE: TimeRange = { kind: 'preset', preset: '1h' };

const isPreset = (id: string | null): id is PresetId => PRESETS.some((p) => p.id === id);

function parseInstant(text: string | null): number | undefined {
  if (!text) return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Reads the range from URL parameters; anything unreadable falls back to `fallback`. */
export function parseRange(params: URLSearchParams, fallback: TimeRange = DEFAULT_RANGE): TimeRange {
  const from = parseInstant(params.get('from'));
  const to = parseInstant(params.get('to'));
  if (from !== undefined && to !== undefined && from < to) return { kind: 'absolute', from, to };
  const preset = params.get('range');
  return isPreset(preset) ? { kind: 'preset', preset } : fallback;
}

/** The URL parameters of a range (the inverse of parseRange). */
export function rangeParams(range: TimeRange): Record<string, string> {
  return range.kind === 'preset'
    ? { range: range.preset }
    : { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() };
}

export function resolveRange(range: TimeRange, now: number): Window {
  if (range.kind === 'absolute') return { from: range.from, to: range.to };
  const preset = PRESETS.find((p) => p.id === range.preset) ?? PRESETS[1];
  return { from: now - preset.ms, to: now };
}

export function rangeLabel(range: TimeRange, format: (ms: number) => string): string {
  if (range.kind === 'preset') return PRESETS.find((p) => p.id === range.preset)?.label ?? range.preset;
  return `${format(range.from)} → ${format(range.to)}`;
}

/** A window around an instant (a deployment): `before` earlier and `after` later, clipped to `now`. */
export function windowAround(at: number, now: number, before = 2 * 3_600_000, after = 2 * 3_600_000): Window {
  return { from: at - before, to: Math.max(at + 60_000, Math.min(now, at + after)) };
}

/**
 * The range of the URL as a short string that only changes when the range does. Pages derive their range from
 * it, so changing another parameter (a selected deployment, a filter) does not re-run every loader.
 */
export function rangeKey(params: URLSearchParams, fallback: TimeRange = DEFAULT_RANGE): string {
  return new URLSearchParams(rangeParams(parseRange(params, fallback))).toString();
}
