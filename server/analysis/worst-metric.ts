import type { MetricVerdict } from '../stats/index.js';

const SEVERITY = { fail: 3, warn: 2, pass: 1, inconclusive: 0 } as const;

/** How far the effect went toward the fail threshold: 1 at the threshold, above 1 beyond it. */
function reach(m: MetricVerdict): number {
  const r = m.effectKind === 'ratio' ? Math.log(m.effect) / Math.log(m.threshold.fail) : m.effect / m.threshold.fail;
  return Number.isFinite(r) ? r : m.effect === Infinity ? Infinity : 0;
}

/** Worst first: by verdict (fail, warn, pass, inconclusive), critical before not, then by how far past the threshold. */
export function byWorst(a: MetricVerdict, b: MetricVerdict): number {
  return SEVERITY[b.verdict] - SEVERITY[a.verdict] || Number(b.critical) - Number(a.critical) || reach(b) - reach(a);
}

/** The worst failing or warning metric, or null when none fails or warns. */
export function worstMetric(metrics: readonly MetricVerdict[]): MetricVerdict | null {
  const [worst] = metrics.filter((m) => m.verdict === 'fail' || m.verdict === 'warn').sort(byWorst);
  return worst ?? null;
}
