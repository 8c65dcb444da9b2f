import type { Series } from '../components/charts/series.js';

/**
 * The y range of a score chart (quality, 0..1), fitted to the data so that a drop from 0.90 to 0.75 fills the
 * chart instead of sitting flat on a 0–1 axis: the solid lines (the means; dashed interval lines may leave the
 * range) with room above and below, at least `minSpan` tall, within 0..1. Undefined without data.
 */
export function scoreAxis(series: readonly Series[], minSpan = 0.1): { min: number; max: number } | undefined {
  const values = series
    .filter((s) => !s.dash || s.dash.length === 0)
    .flatMap((s) => s.points.map((p) => p.y))
    .filter((y): y is number => y !== null && Number.isFinite(y));
  if (values.length === 0) return undefined;
  const low = Math.min(...values);
  const high = Math.max(...values);
  const span = Math.max(minSpan, (high - low) * 1.3);
  const middle = (low + high) / 2;
  let min = Math.max(0, middle - span / 2);
  const max = Math.min(1, min + span);
  min = Math.max(0, max - span);
  // Round outwards to a twentieth, so the ticks read 0.70, 0.75 … rather than 0.7134.
  return { min: Math.floor(min * 20 + 1e-9) / 20, max: Math.ceil(max * 20 - 1e-9) / 20 };
}
