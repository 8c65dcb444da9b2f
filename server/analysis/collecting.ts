import {
  metricSampleCount,
  type ArmSummary,
  type DetectorConfig,
  type MetricName,
  type MetricVerdict,
} from '../stats/index.js';
import type { AnalysisPlan } from './baseline.js';

/**
 * While a critical metric still lacks samples, the analysis says so (`collecting`) with the samples so far and
 * when the verdict can be expected at the current traffic. The rates are measured on the early arms (from the
 * switch on), which cover the whole time since the deployment; each regular arm grows from the end of the skip
 * at its rate, so it reaches `needed` at from + needed / rate. A verdict expected after the window closes will be
 * `inconclusive` unless traffic picks up (or a large effect stops the wait early).
 */
export interface CollectingMetric {
  name: MetricName;
  n: { baseline: number; candidate: number };
  /** Observations needed per arm (and, for the error rate, errors in both arms together). */
  needed: number;
  neededEvents?: number;
  /** ISO time at which this metric can be judged at the current traffic; null while there is no traffic yet. */
  expectedAt: string | null;
}

export interface Collecting {
  metrics: CollectingMetric[];
  /** When every critical metric can be judged (the latest of the metrics); null while unknown. */
  expectedAt: string | null;
  /** The verdict is expected only after the evaluation window closes: it will end `inconclusive`. */
  afterWindowEnd: boolean;
}

export interface CollectingInput {
  plan: Pick<AnalysisPlan, 'candidate' | 'baseline' | 'windowEnd' | 'early'>;
  pending: readonly MetricVerdict[];
  /** The arms from the switch on, and the regular arms (after the skip). */
  early: { candidate: ArmSummary; baseline: ArmSummary };
  regular: { candidate: ArmSummary; baseline: ArmSummary };
  config: DetectorConfig;
}

/** When a count growing at `count / elapsed` from `start` reaches `needed` (Infinity without traffic). */
function reachedAt(needed: number, count: number, elapsed: number, start: number, have: number): number {
  if (have >= needed) return -Infinity;
  if (!(count > 0 && elapsed > 0)) return Infinity;
  return start + (needed * elapsed) / count;
}

export function collectingEstimate(input: CollectingInput): Collecting {
  const { plan, early, regular, config } = input;
  const elapsed = plan.early.candidate.to - plan.early.candidate.from;
  const metrics = input.pending.map((m): CollectingMetric => {
    const needed = config.metrics[m.name].minSamples;
    const neededEvents = config.metrics[m.name].minEvents;
    const candidate = reachedAt(
      needed,
      metricSampleCount(m.name, early.candidate),
      elapsed,
      plan.candidate.from,
      m.n.candidate,
    );
    // Before/after: the baseline window grows backwards from the switch as fast as the candidate window grows.
    const baselineStart = plan.baseline ? plan.candidate.from : Infinity;
    const baseline = reachedAt(needed, metricSampleCount(m.name, early.baseline), elapsed, baselineStart, m.n.baseline);
    let at = Math.max(candidate, baseline);
    if (neededEvents !== undefined) {
      const events = early.candidate.errors + early.baseline.errors;
      const have = regular.candidate.errors + regular.baseline.errors;
      // Both arms' errors together, the regular window growing on both sides at the early rate.
      at = Math.max(at, reachedAt(neededEvents, events, elapsed, plan.candidate.from, have));
    }
    return {
      name: m.name,
      n: m.n,
      needed,
      ...(neededEvents !== undefined ? { neededEvents } : {}),
      expectedAt: Number.isFinite(at) ? new Date(Math.max(at, plan.early.candidate.to)).toISOString() : null,
    };
  });
  const times = metrics.map((m) => (m.expectedAt === null ? Infinity : Date.parse(m.expectedAt)));
  const latest = Math.max(...times);
  return {
    metrics,
    expectedAt: Number.isFinite(latest) ? new Date(latest).toISOString() : null,
    afterWindowEnd: latest > plan.windowEnd,
  };
}

/** The collecting part of the reason: "quality 120 / 500 per arm; verdict expected 14:05 UTC". */
export function describeCollecting(c: Collecting): string {
  const counts = c.metrics.map((m) => `${m.name} ${Math.min(m.n.baseline, m.n.candidate)} / ${m.needed} per arm`);
  const when =
    c.expectedAt === null
      ? 'no traffic yet to estimate when'
      : c.afterWindowEnd
        ? 'at this traffic not before the window closes (it would end inconclusive)'
        : `verdict expected by ${c.expectedAt.slice(11, 19)} UTC`;
  return `collecting samples (${counts.join('; ')}): ${when}`;
}
