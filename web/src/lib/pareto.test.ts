import { describe, expect, it } from 'vitest';
import { paretoFrontier } from './pareto.js';

describe('paretoFrontier', () => {
  it('keeps the points nothing beats on both cost and latency, ordered by cost', () => {
    const points = [
      { x: 0.01, y: 900 }, // 0: cheapest, slow — frontier
      { x: 0.02, y: 500 }, // 1: frontier
      { x: 0.03, y: 600 }, // 2: dominated by 1
      { x: 0.05, y: 300 }, // 3: frontier
      { x: 0.05, y: 400 }, // 4: dominated by 3
      { x: Number.NaN, y: 1 }, // 5: ignored
    ];
    expect(paretoFrontier(points)).toEqual([0, 1, 3]);
  });

  it('handles no points, one point and exact ties', () => {
    expect(paretoFrontier([])).toEqual([]);
    expect(paretoFrontier([{ x: 1, y: 1 }])).toEqual([0]);
    expect(
      paretoFrontier([
        { x: 1, y: 1 },
        { x: 1, y: 1 },
      ]),
    ).toEqual([0, 1]);
  });
});
