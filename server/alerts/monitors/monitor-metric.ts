import {
  DEFAULT_DETECTOR_CONFIG,
  formatNumber,
  formatValue,
  isMetricName,
  METRIC_LABELS,
  type MetricName,
} from '../../stats/index.js';

/**
 * What a monitor can watch: every metric deployments are judged on (error rate, latency quantiles, cost, tokens,
 * quality), the request count, and any named score (`score:<name>`, as posted to `POST /api/v1/scores`).
 */
export type MonitorMetric = MetricName | 'requests' | `score:${string}`;

const SCORE_PREFIX = 'score:';

export interface MetricInfo {
  metric: MonitorMetric;
  label: string;
  /** The detector metric whose statistics judge a change: named scores are judged as quality is. */
  judgedAs: MetricName | null;
  direction: 'higher_is_worse' | 'lower_is_worse';
  /** The score's name, for `score:<name>`. */
  score: string | null;
  /** A value in the metric's unit. */
  format: (x: number) => string;
}

export function isMonitorMetric(text: string): text is MonitorMetric {
  return isMetricName(text) || text === 'requests' || /^score:.{1,100}$/s.test(text);
}

export function metricInfo(metric: MonitorMetric): MetricInfo {
  if (metric === 'requests') {
    const format = (x: number) => `${formatNumber(x)} requests`;
    return { metric, label: 'requests', judgedAs: null, direction: 'lower_is_worse', score: null, format };
  }
  if (metric.startsWith(SCORE_PREFIX)) {
    const score = metric.slice(SCORE_PREFIX.length);
    const format = (x: number) => formatValue('quality', x);
    return { metric, label: `score "${score}"`, judgedAs: 'quality', direction: 'lower_is_worse', score, format };
  }
  const name = metric as MetricName;
  return {
    metric,
    label: METRIC_LABELS[name],
    judgedAs: name,
    direction: DEFAULT_DETECTOR_CONFIG.metrics[name].direction,
    score: null,
    format: (x: number) => formatValue(name, x),
  };
}
