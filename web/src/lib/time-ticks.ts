/** Tick intervals of a time axis, the round ones people read at a glance (as Grafana and Datadog label them). */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const INTERVALS = [
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
];

/**
 * Ticks at round local times (every 5 minutes, every hour, local midnights …) inside [from, to]: the smallest
 * interval giving at most `maxTicks`. `offsetMs` is the local time's offset from UTC (east positive).
 */
export function timeTicks(from: number, to: number, maxTicks: number, offsetMs: number): number[] {
  const interval = INTERVALS.find((i) => (to - from) / i <= maxTicks) ?? INTERVALS[INTERVALS.length - 1]!;
  const first = Math.ceil((from + offsetMs) / interval) * interval - offsetMs;
  const ticks: number[] = [];
  for (let t = first; t <= to; t += interval) ticks.push(t);
  return ticks;
}

/** The browser's offset from UTC at `ms`, east positive, in milliseconds. */
export function localOffsetMs(ms: number): number {
  return -new Date(ms).getTimezoneOffset() * MINUTE;
}
