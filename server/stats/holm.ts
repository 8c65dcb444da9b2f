/**
 * Holm's step-down adjustment (Holm 1979; R `p.adjust(method = "holm")`): with the m p-values sorted ascending,
 * adjusted p_(i) = max_{j ≤ i} min(1, (m − j + 1)·p_(j)). Returned in the input order. A null (no test) stays null
 * and does not count in m.
 */
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const tested = pValues.map((p, i) => ({ p, i })).filter((x): x is { p: number; i: number } => x.p !== null);
  tested.sort((a, b) => a.p - b.p);
  const m = tested.length;
  const adjusted: (number | null)[] = pValues.map(() => null);
  let running = 0;
  tested.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
