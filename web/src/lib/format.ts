/** Number and time formatting with units, shared by tables, tooltips and chart axes. `null` renders as an em dash. */

export const NONE = '—';

const isNum = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** Milliseconds: `850 ms`, `1.25 s`, `2.0 min`. */
export function formatMs(v: number | null | undefined): string {
  if (!isNum(v)) return NONE;
  const abs = Math.abs(v);
  if (abs === 0) return '0 ms';
  if (abs < 10) return `${v.toFixed(1)} ms`;
  if (abs < 1000) return `${Math.round(v)} ms`;
  if (abs < 60_000) return `${(v / 1000).toFixed(2)} s`;
  return `${(v / 60_000).toFixed(1)} min`;
}

/** US dollars with enough digits for per-request costs: `$0.00123`, `$1.23`, `$1,234`. */
export function formatUsd(v: number | null | undefined): string {
  if (!isNum(v)) return NONE;
  const abs = Math.abs(v);
  if (abs === 0) return '$0';
  if (abs >= 1000) return `$${Math.round(v).toLocaleString('en-US')}`;
  if (abs >= 1) return `$${v.toFixed(2)}`;
  return `$${v.toPrecision(3).replace(/0+$/, '').replace(/\.$/, '')}`;
}

/** A plain count with thousands separators; fractional counts (means) keep one decimal. */
export function formatCount(v: number | null | undefined): string {
  if (!isNum(v)) return NONE;
  if (Number.isInteger(v) || Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  return v.toFixed(1);
}

export const formatTokens = (v: number | null | undefined): string => (isNum(v) ? `${formatCount(v)} tokens` : NONE);

/** A rate in 0..1 as a percentage: `2.50%`. */
export function formatPercent(v: number | null | undefined, digits = 2): string {
  return isNum(v) ? `${(v * 100).toFixed(digits)}%` : NONE;
}

/** A quality score in 0..1 with three decimals. */
export const formatScore = (v: number | null | undefined): string => (isNum(v) ? v.toFixed(3) : NONE);

/** A relative change between two estimates: `+32.0%`, `−8.5%`. */
export function formatChange(baseline: number | null | undefined, candidate: number | null | undefined): string {
  if (!isNum(baseline) || !isNum(candidate) || baseline === 0) return NONE;
  const change = (candidate - baseline) / Math.abs(baseline);
  const sign = change > 0 ? '+' : change < 0 ? '−' : '±';
  return `${sign}${Math.abs(change * 100).toFixed(1)}%`;
}

/** A p-value: `p < 0.001`, `p = 0.042`. */
export function formatPValue(p: number | null | undefined): string {
  if (!isNum(p)) return NONE;
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

/** A clock label for an axis; a window longer than a day also shows the date. */
export function formatClock(ms: number, spanMs: number, timeZone?: string): string {
  const options: Intl.DateTimeFormatOptions =
    spanMs > 86_400_000
      ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
      : { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  return new Intl.DateTimeFormat('en-GB', { ...options, timeZone }).format(ms);
}

/** A full timestamp: `21 Nov 2026, 14:05:09`. */
export function formatDateTime(ms: number, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(ms);
}

/** How long ago: `just now`, `5 min ago`, `3 h ago`, `2 d ago`. */
export function formatAgo(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

/** A statistic of any metric with three significant digits: `0.0523`, `1,240`, `12.5`. */
export function formatNumber(v: number | null | undefined): string {
  if (!isNum(v)) return NONE;
  return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : String(Number(v.toPrecision(3)));
}

/** `14 min`, `1 h 05 min`, `40 s`: how long until a step may end. */
export function formatTimeLeft(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.ceil(s / 60);
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, '0')} min`;
}
