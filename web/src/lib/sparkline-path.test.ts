import { describe, expect, it } from 'vitest';
import { sparklinePath } from './sparkline-path.js';

const ys = (path: string) => [...path.matchAll(/[ML][\d.]+ ([\d.-]+)/g)].map((m) => Number(m[1]));

describe('sparklinePath', () => {
  it('breaks the line at gaps and is empty without values', () => {
    expect(sparklinePath([], { fit: 'zero' })).toBe('');
    expect(sparklinePath([null, null], { fit: 'zero' })).toBe('');
    expect(sparklinePath([1, null, 2, 3], { fit: 'zero' }).match(/M/g)).toHaveLength(2);
  });

  it('fits quality to the data: a drop from 0.90 to 0.75 spans most of the height', () => {
    const fitted = ys(sparklinePath([0.9, 0.9, 0.75, 0.75], { fit: 'data', minSpan: 0.05 }));
    expect(fitted[2]! - fitted[0]!).toBeGreaterThan(80);
    const fromZero = ys(sparklinePath([0.9, 0.9, 0.75, 0.75], { fit: 'zero' }));
    expect(fromZero[2]! - fromZero[0]!).toBeLessThan(20);
  });

  it('keeps a flat series flat in the middle rather than dividing by zero', () => {
    expect(ys(sparklinePath([0.8, 0.8], { fit: 'data', minSpan: 0.05 }))).toEqual([50, 50]);
  });
});
