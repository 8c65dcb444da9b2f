import {
  defaultDetectorConfig,
  formatChange,
  formatRatio,
  formatThreshold,
  judgeMetric,
  METRIC_LABELS,
  mergeDetectorConfig,
  metricEstimate,
  metricSampleCount,
  type ArmSummary,
  type MetricName,
  type MetricVerdict,
} from '../../stats/index.js';
import type { AlertFacts } from '../alert-types.js';
import type { MonitorOutcome } from '../alert-transitions.js';
import type { MonitorInput } from './monitor-input.js';
import { metricInfo, type MetricInfo } from './monitor-metric.js';

/** What a monitor is evaluated on: the current window, and for a change condition the reference before it. */
export interface MonitorData {
  window: { from: number; to: number };
  /** A named score's values are in `quality`. */
  current: ArmSummary;
  reference?: { from: number; to: number; arm: ArmSummary };
}

type Definition = Pick<MonitorInput, 'metric' | 'condition' | 'minSamples'>;

const iso = (ms: number) => new Date(ms).toISOString();
/** A window's length for people: `10 min`, `3 h`, `7 days`. */
function windowLength(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? '24 h' : `${minutes / 1440} days`;
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}

/** The monitor's level now, with the numbers behind it (pure). */
export function evaluateMonitor(monitor: Definition, data: MonitorData): MonitorOutcome {
  const info = metricInfo(monitor.metric);
  return monitor.condition.type === 'threshold'
    ? evaluateThreshold(info, monitor.condition, monitor.minSamples, data)
    : evaluateChange(info, monitor.condition, monitor.minSamples, data);
}

function evaluateThreshold(
  info: MetricInfo,
  c: Extract<MonitorInput['condition'], { type: 'threshold' }>,
  minSamples: number,
  data: MonitorData,
): MonitorOutcome {
  const n = info.judgedAs ? metricSampleCount(info.judgedAs, data.current) : data.current.n;
  const value = info.judgedAs ? metricEstimate(info.judgedAs, data.current) : data.current.n;
  const base = {
    metric: info.metric,
    label: info.label,
    baseline: null,
    effect: null,
    n: { current: n, baseline: null },
    test: null,
    pValue: null,
    window: { from: iso(data.window.from), to: iso(data.window.to) },
    reference: null,
  };
  const over = `over the last ${windowLength(c.windowMinutes)}`;
  if (info.judgedAs && (n < minSamples || !Number.isFinite(value))) {
    const reason = `${info.label}: ${n} ${info.score ? 'scores' : 'requests'} ${over}, ${minSamples} needed`;
    return { level: 'no_data', facts: { ...base, current: 'n/a', threshold: null, reason } };
  }
  const past = (limit: number | null) => limit !== null && (c.op === 'above' ? value > limit : value < limit);
  const level = past(c.critical) ? 'critical' : past(c.warning) ? 'warning' : 'ok';
  const limit = level === 'critical' ? c.critical : level === 'warning' ? c.warning : (c.warning ?? c.critical);
  const threshold = limit === null ? null : info.format(limit);
  const relation =
    level === 'ok'
      ? `not ${c.op} the ${limit === c.warning ? 'warning' : 'critical'} level`
      : `${c.op} the ${level} level`;
  const reason = `${info.label} ${info.format(value)} ${over}, ${relation}${threshold ? ` ${threshold}` : ''} (n=${n})`;
  return { level, facts: { ...base, current: info.format(value), threshold, reason } };
}

function evaluateChange(
  info: MetricInfo,
  c: Extract<MonitorInput['condition'], { type: 'change' }>,
  minSamples: number,
  data: MonitorData,
): MonitorOutcome {
  const name = info.judgedAs as MetricName;
  const reference = data.reference ?? { from: data.window.from, to: data.window.from, arm: data.current };
  const defaults = defaultDetectorConfig().metrics[name];
  // One level given: both detector thresholds sit at it, and a detector `fail` means that level.
  const warn = c.warning ?? c.critical ?? defaults.warn;
  const fail = c.critical ?? c.warning ?? defaults.fail;
  const config = mergeDetectorConfig(defaultDetectorConfig(), {
    alpha: c.alpha,
    criticalMetrics: [],
    driftCorrection: false,
    metrics: { [name]: { warn, fail, minSamples } },
  });
  const v = judgeMetric(name, reference.arm, data.current, config);
  const failLevel = c.critical === null && c.warning !== null ? 'warning' : 'critical';
  const level =
    v.verdict === 'inconclusive'
      ? 'no_data'
      : v.verdict === 'fail'
        ? failLevel
        : v.verdict === 'warn'
          ? 'warning'
          : 'ok';
  const thresholdLevel = level === 'warning' ? 'warn' : 'fail';
  const facts: AlertFacts = {
    metric: info.metric,
    label: info.label,
    current: info.format(v.candidate),
    baseline: info.format(v.baseline),
    effect: v.effectKind === 'ratio' ? formatRatio(v.effect) : formatChange(name, v.effect),
    threshold: formatThreshold(name, config.metrics[name], thresholdLevel),
    n: { current: v.n.candidate, baseline: v.n.baseline },
    test: v.test === 'none' ? null : v.test,
    pValue: v.pValue ?? null,
    window: { from: iso(data.window.from), to: iso(data.window.to) },
    reference: { from: iso(reference.from), to: iso(reference.to) },
    reason: describeChange(info, v, c),
  };
  return { level, facts };
}

/** The detector's reason, named after the monitor's metric and saying which windows were compared. */
function describeChange(info: MetricInfo, v: MetricVerdict, c: { windowMinutes: number; referenceMinutes: number }) {
  const reason = info.score ? info.label + v.reason.slice(METRIC_LABELS.quality.length) : v.reason;
  return `${reason} — the last ${windowLength(c.windowMinutes)} against the ${windowLength(c.referenceMinutes)} before`;
}
