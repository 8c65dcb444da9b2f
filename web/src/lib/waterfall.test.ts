import { describe, expect, it } from 'vitest';
import { layoutWaterfall } from './waterfall.js';

const span = (spanId: string, parentSpanId: string, start: number, durationMs: number) => ({
  spanId,
  parentSpanId,
  start,
  durationMs,
});

describe('layoutWaterfall', () => {
  it('orders children under their parent by start time with depth and bar geometry', () => {
    const rows = layoutWaterfall([
      span('llm', 'root', 100, 800),
      span('root', '', 0, 1000),
      span('retrieve', 'root', 10, 50),
      span('tool', 'llm', 500, 100),
    ]);
    expect(rows.map((r) => [r.span.spanId, r.depth])).toEqual([
      ['root', 0],
      ['retrieve', 1],
      ['llm', 1],
      ['tool', 2],
    ]);
    expect(rows[2]).toMatchObject({ offsetPct: 10, widthPct: 80 });
  });

  it('shows orphans and cycles instead of losing spans', () => {
    const rows = layoutWaterfall([span('a', 'b', 0, 10), span('b', 'a', 5, 10), span('c', 'missing', 1, 1)]);
    expect(rows.map((r) => r.span.spanId).sort()).toEqual(['a', 'b', 'c']);
    expect(layoutWaterfall([])).toEqual([]);
  });
});
