import type { ArmSummary } from '../../stats/index.js';
import type { Store } from '../../store/store.js';
import type { MonitorOutcome } from '../alert-transitions.js';
import { evaluateMonitor, type MonitorData } from './evaluate-monitor.js';
import { queryLatencyExceedance } from './latency-exceedance-query.js';
import type { MonitorInput } from './monitor-input.js';
import { metricInfo } from './monitor-metric.js';
import { queryNamedScore } from './named-score-query.js';
import { queryWindowRollup, type MonitorWindow } from './window-rollup-query.js';

const MINUTE = 60_000;
const LATENCY = new Set(['latency_p50', 'latency_p95', 'latency_p99']);

type Definition = Pick<MonitorInput, 'metric' | 'scope' | 'condition' | 'minSamples'>;

/** Reads what a monitor needs as of `now` (rollups; raw spans only to count the current window's slow requests). */
export async function measureMonitor(store: Store, monitor: Definition, now: number): Promise<MonitorOutcome> {
  const from = Math.floor((now - monitor.condition.windowMinutes * MINUTE) / MINUTE) * MINUTE;
  const window: MonitorWindow = { scope: monitor.scope, from, to: now };
  const data: MonitorData = { window, current: await readArm(store, monitor, window) };
  if (monitor.condition.type === 'change') {
    const reference = { scope: monitor.scope, from: from - monitor.condition.referenceMinutes * MINUTE, to: from };
    const arm = await readArm(store, monitor, reference);
    data.reference = { from: reference.from, to: reference.to, arm };
    if (LATENCY.has(monitor.metric)) await addExceedanceCounts(store, window, data.current, arm);
  }
  return evaluateMonitor(monitor, data);
}

async function readArm(store: Store, monitor: Definition, w: MonitorWindow): Promise<ArmSummary> {
  const score = metricInfo(monitor.metric).score;
  const arm = await queryWindowRollup(store, w);
  return score === null ? arm : { ...arm, quality: await queryNamedScore(store, score, w) };
}

/**
 * Latency has no raw samples in the rollups. The reference window's own quantiles stand for the pooled ones (the
 * reference is far longer than the window): by definition about half, 5% and 1% of its requests lie above them,
 * and the current window's requests above them are counted exactly — the detector's exceedance test then applies.
 */
async function addExceedanceCounts(store: Store, window: MonitorWindow, current: ArmSummary, reference: ArmSummary) {
  const { p50, p95, p99 } = reference.latency;
  if (![p50, p95, p99].every(Number.isFinite)) return;
  const counts = await queryLatencyExceedance(store, window, { p50, p95, p99 });
  const n = reference.n;
  Object.assign(reference.latency, {
    aboveP50Pooled: Math.round(n * 0.5),
    aboveP95Pooled: Math.round(n * 0.05),
    aboveP99Pooled: Math.round(n * 0.01),
    pooledCountsBaselineScale: 1,
  });
  Object.assign(current.latency, {
    aboveP50Pooled: counts.aboveP50,
    aboveP95Pooled: counts.aboveP95,
    aboveP99Pooled: counts.aboveP99,
  });
}
