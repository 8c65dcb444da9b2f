import { describe, expect, it } from 'vitest';
import {
  formatAgo,
  formatChange,
  formatClock,
  formatCount,
  formatMs,
  formatNumber,
  formatPValue,
  formatPercent,
  formatTimeLeft,
  formatUsd,
  NONE,
} from './format.js';

describe('formatters', () => {
  it('renders durations with units', () => {
    expect(formatMs(0)).toBe('0 ms');
    expect(formatMs(3.25)).toBe('3.3 ms');
    expect(formatMs(850.4)).toBe('850 ms');
    expect(formatMs(1250)).toBe('1.25 s');
    expect(formatMs(120_000)).toBe('2.0 min');
    expect(formatMs(null)).toBe(NONE);
    expect(formatMs(Number.NaN)).toBe(NONE);
  });

  it('renders per-request costs with significant digits', () => {
    expect(formatUsd(0.0012345)).toBe('$0.00123');
    expect(formatUsd(0.5)).toBe('$0.5');
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatUsd(12345.6)).toBe('$12,346');
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(undefined)).toBe(NONE);
  });

  it('renders counts, rates, changes and p-values', () => {
    expect(formatCount(12345)).toBe('12,345');
    expect(formatCount(12.34)).toBe('12.3');
    expect(formatNumber(0.052345)).toBe('0.0523');
    expect(formatNumber(1240.4)).toBe('1,240');
    expect(formatNumber(null)).toBe(NONE);
    expect(formatPercent(0.025)).toBe('2.50%');
    expect(formatChange(100, 132)).toBe('+32.0%');
    expect(formatChange(100, 91.5)).toBe('−8.5%');
    expect(formatChange(0, 5)).toBe(NONE);
    expect(formatPValue(0.0001)).toBe('p < 0.001');
    expect(formatPValue(0.0421)).toBe('p = 0.042');
  });

  it('renders clock labels, with the date for windows over a day', () => {
    const t = Date.UTC(2026, 10, 21, 14, 5);
    expect(formatClock(t, 3_600_000, 'UTC')).toBe('14:05');
    expect(formatClock(t, 3 * 86_400_000, 'UTC')).toBe('21 Nov, 14:05');
  });

  it('renders how long ago', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(formatAgo(now - 10_000, now)).toBe('just now');
    expect(formatAgo(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(formatAgo(now - 3 * 3_600_000, now)).toBe('3 h ago');
    expect(formatAgo(now - 2 * 86_400_000, now)).toBe('2 d ago');
  });

  it('says how long is left', () => {
    expect(formatTimeLeft(40_000)).toBe('40 s');
    expect(formatTimeLeft(14 * 60_000 - 500)).toBe('14 min');
    expect(formatTimeLeft(65 * 60_000)).toBe('1 h 05 min');
  });
});
