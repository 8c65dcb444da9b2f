/**
 * The time window every view shows: a relative preset ("last hour", moving with the clock), a window from a fixed
 * start to now (`since`, moving with the clock too: what Investigate links and alerts open, so that what happens
 * next — a rollback, the recovery — comes into view), or an absolute window. It lives in the URL (`?range=1h`,
 * `?since=<ISO>` or `?from=<ISO>&to=<ISO>`) so a view is a shareable link.
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

export type TimeRange =
  | { kind: 'preset'; preset: PresetId }
  | { kind: 'since'; from: number }
  | { kind: 'absolute'; from: number; to: number };

/** The range moves with the clock (pages refresh it). */
export const followsNow = (range: TimeRange): boolean => range.kind !== 'absolute';

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
  const since = parseInstant(params.get('since'));
  if (since !== undefined) return { kind: 'since', from: since };
  const preset = params.get('range');
  return isPreset(preset) ? { kind: 'preset', preset } : fallback;
}

/** The URL parameters of a range (the inverse of parseRange). */
export function rangeParams(range: TimeRange): Record<string, string> {
  if (range.kind === 'preset') return { range: range.preset };
  if (range.kind === 'since') return { since: new Date(range.from).toISOString() };
  return { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() };
}

export function resolveRange(range: TimeRange, now: number): Window {
  if (range.kind === 'absolute') return { from: range.from, to: range.to };
  if (range.kind === 'since') return { from: range.from, to: Math.max(now, range.from + 60_000) };
  const preset = PRESETS.find((p) => p.id === range.preset) ?? PRESETS[1];
  return { from: now - preset.ms, to: now };
}

export function rangeLabel(range: TimeRange, format: (ms: number) => string): string {
  if (range.kind === 'preset') return PRESETS.find((p) => p.id === range.preset)?.label ?? range.preset;
  if (range.kind === 'since') return `${format(range.from)} → now`;
  return `${format(range.from)} → ${format(range.to)}`;
}

const HOUR = 3_600_000;

/**
 * The window that shows a deployment at `at` in context: before it, twice its age (at least an hour, at most six),
 * so the time since it is a third of the view or less; after it, as much again, up to `now`.
 */
export function windowAround(at: number, now: number): Window {
  const span = Math.min(6 * HOUR, Math.max(HOUR, 2 * (now - at)));
  return { from: at - span, to: Math.max(at + 60_000, Math.min(now, at + span)) };
}

/** The named steps `GET /metrics/timeseries` accepts, in seconds. */
const STEPS: readonly (readonly [string, number])[] = [
  ['1m', 60],
  ['5m', 300],
  ['10m', 600],
  ['30m', 1800],
  ['1h', 3600],
  ['3h', 10_800],
  ['6h', 21_600],
  ['1d', 86_400],
];

/** The finest step giving at most `maxPoints` points over the window: a trend line, not minute-by-minute noise. */
export function trendStep(window: Window, maxPoints = 60): string {
  const fits = STEPS.find(([, seconds]) => (window.to - window.from) / (seconds * 1000) <= maxPoints);
  return (fits ?? STEPS[STEPS.length - 1]!)[0];
}

/**
 * The range of the URL as a short string that only changes when the range does. Pages derive their range from
 * it, so changing another parameter (a selected deployment, a filter) does not re-run every loader.
 */
export function rangeKey(params: URLSearchParams, fallback: TimeRange = DEFAULT_RANGE): string {
  return new URLSearchParams(rangeParams(parseRange(params, fallback))).toString();
}
