/**
 * Ascending copy of the finite values of an array (optionally multiplied by `scale`). Typed-array sort costs
 * ~2.5 ms per 10,000 values on Node 20, so input that is already sorted (e.g. samples the caller sorted once
 * for several tests) is detected in the copying pass and not sorted again.
 */
export function sortedFiniteCopy(values: ArrayLike<number>, scale = 1): Float64Array {
  const out = new Float64Array(values.length);
  let k = 0;
  let ascending = true;
  let previous = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = (values[i] ?? NaN) * scale;
    if (!Number.isFinite(v)) continue;
    if (v < previous) ascending = false;
    previous = v;
    out[k++] = v;
  }
  const result = k === out.length ? out : out.slice(0, k);
  return ascending ? result : result.sort();
}
