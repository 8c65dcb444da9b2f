/**
 * The path of a sparkline in a 100 × 100 box: one segment per run of values without a gap (null). `fit: 'zero'`
 * starts the scale at zero (counts, latency, rates); `fit: 'data'` fits it to the values with a little room, at
 * least `minSpan` tall (quality: a drop from 0.90 to 0.75 must show, not sit flat on a 0–1 scale).
 */
export interface SparklineScale {
  fit: 'zero' | 'data';
  minSpan?: number;
}

export function sparklinePath(values: readonly (number | null)[], scale: SparklineScale): string {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0) return '';
  let low = scale.fit === 'zero' ? Math.min(0, ...finite) : Math.min(...finite);
  let high = Math.max(...finite);
  const span = Math.max(high - low, scale.minSpan ?? 0, Number.EPSILON);
  if (scale.fit === 'data') {
    const middle = (low + high) / 2;
    low = middle - (span / 2) * 1.15;
    high = middle + (span / 2) * 1.15;
  } else {
    high = low + span * 1.05;
  }
  const x = (i: number) => (values.length === 1 ? 50 : (i / (values.length - 1)) * 100);
  const y = (v: number) => 100 - ((v - low) / (high - low)) * 100;
  let path = '';
  let drawing = false;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      drawing = false;
      return;
    }
    path += `${drawing ? 'L' : 'M'}${x(i).toFixed(2)} ${y(v).toFixed(2)}`;
    drawing = true;
  });
  return path;
}
