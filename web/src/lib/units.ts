import { formatCount, formatMs, formatPercent, formatScore, formatUsd, NONE } from './format.js';

/** The unit of a chart's y axis: how ticks and tooltips format values. */
export type Unit = 'ms' | 'usd' | 'percent' | 'tokens' | 'score' | 'count';

export function formatUnit(unit: Unit, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NONE;
  switch (unit) {
    case 'ms':
      return formatMs(value);
    case 'usd':
      return formatUsd(value);
    case 'percent':
      return formatPercent(value, value !== 0 && Math.abs(value) < 0.001 ? 3 : 1);
    case 'tokens':
      return `${formatCount(value)} tok`;
    case 'score':
      return formatScore(value);
    case 'count':
      return formatCount(value);
  }
}
