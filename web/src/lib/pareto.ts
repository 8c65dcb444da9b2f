/** The Pareto frontier of points where lower is better on both axes (cost per request, p95 latency). */
export interface Point {
  x: number;
  y: number;
}

/**
 * Indexes of the points no other point dominates (another point is at least as good on both axes and better
 * on one), ordered by x so they can be drawn as a line. Points with a non-finite coordinate are ignored.
 */
export function paretoFrontier(points: readonly Point[]): number[] {
  const order = points
    .map((p, i) => ({ ...p, i }))
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
    .sort((a, b) => a.x - b.x || a.y - b.y);
  const frontier: number[] = [];
  let bestY = Infinity;
  let last: { x: number; y: number } | undefined;
  for (const p of order) {
    if (p.y < bestY) {
      frontier.push(p.i);
      bestY = p.y;
      last = p;
    } else if (last && p.x === last.x && p.y === last.y) {
      frontier.push(p.i); // an exact tie is not dominated either
    }
  }
  return frontier;
}
