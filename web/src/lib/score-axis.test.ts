import { describe, expect, it } from 'vitest';
import { scoreAxis } from './score-axis.js';

const line = (ys: (number | null)[], dash?: number[]) => ({
  label: 'q',
  color: '#000',
  points: ys.map((y, x) => ({ x, y })),
  ...(dash ? { dash } : {}),
});

describe('scoreAxis', () => {
  it('fits a drop from 0.90 to 0.75 instead of showing 0–1', () => {
    const axis = scoreAxis([line([0.9, 0.9, 0.75, 0.76]), line([0.2, 0.3], [3, 3])])!;
    expect(axis.min).toBeGreaterThan(0.6);
    expect(axis.min).toBeLessThan(0.75);
    expect(axis.max).toBeGreaterThan(0.9);
    expect(axis.max).toBeLessThanOrEqual(1);
  });

  it('stays within 0..1, at least 0.1 tall, and is undefined without data', () => {
    expect(scoreAxis([line([0.99, 1])])).toEqual({ min: 0.9, max: 1 });
    expect(scoreAxis([line([0.01, 0.02])])).toEqual({ min: 0, max: 0.1 });
    expect(scoreAxis([line([null])])).toBeUndefined();
  });
});
