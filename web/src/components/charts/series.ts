/** One line of a time-series chart: epoch-millisecond x values, `null` for a gap. */
export interface Series {
  label: string;
  color: string;
  points: { x: number; y: number | null }[];
  dash?: number[];
}

/** One version (and model) on the cost/latency scatter. */
export interface ScatterPoint {
  label: string;
  version: number | string;
  cost: number | null;
  p95: number | null;
  quality: number | null;
  requests: number;
}
