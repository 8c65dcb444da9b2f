import { z } from 'zod';
import { DEFAULT_DETECTOR_CONFIG } from '../../stats/index.js';
import { isMonitorMetric, metricInfo, type MonitorMetric } from './monitor-metric.js';

/**
 * A monitor: a metric of a scope (environment, prompt, model; '' = all), a condition with warning and critical
 * levels, a minimum sample so that quiet hours page nobody, what to do without data, a reminder interval, a mute,
 * and which channels each level notifies.
 *
 * Conditions:
 * - `threshold`: the metric over the last `windowMinutes` is above (or below) a level's value. Units: error rate as
 *   a fraction (0.05 = 5%), latency in ms, cost in USD per request, tokens per request, quality and scores 0..1,
 *   requests as a count.
 * - `change`: the metric over the last `windowMinutes` against the `referenceMinutes` before it (e.g. the last
 *   7 days), with the deployment detector's test and its double condition: significant at `alpha` AND an effect past
 *   the level — a ratio for error rate, latency, cost and tokens (1.2 = +20%), a difference for quality and scores
 *   (−0.05). Levels left out default to the detector's warn / fail thresholds.
 */
const MAX_WINDOW_MINUTES = { threshold: 10_080, change: 1440 };
const MAX_REFERENCE_MINUTES = 43_200;

const level = z.number().finite().nullable().default(null);

const thresholdCondition = z.strictObject({
  type: z.literal('threshold'),
  op: z.enum(['above', 'below']),
  warning: level,
  critical: level,
  windowMinutes: z.number().int().min(1).max(MAX_WINDOW_MINUTES.threshold),
});

const changeCondition = z.strictObject({
  type: z.literal('change'),
  warning: level,
  critical: level,
  windowMinutes: z.number().int().min(5).max(MAX_WINDOW_MINUTES.change),
  referenceMinutes: z.number().int().min(60).max(MAX_REFERENCE_MINUTES).default(10_080),
  alpha: z.number().gt(0).max(0.2).default(0.01),
});

const channelIds = z.array(z.string().min(1).max(100)).max(20).default([]);
const scopePart = z.string().max(500).default('');

const monitorFields = {
  name: z.string().trim().min(1, 'must not be empty').max(200),
  description: z.string().max(2000).default(''),
  metric: z
    .string()
    .refine(
      isMonitorMetric,
      'must be a metric (error_rate, latency_p50, latency_p95, latency_p99, cost_per_request, input_tokens, output_tokens, quality), requests, or score:<name>',
    ),
  scope: z.strictObject({ environment: scopePart, prompt: scopePart, model: scopePart }).default({
    environment: '',
    prompt: '',
    model: '',
  }),
  condition: z.discriminatedUnion('type', [thresholdCondition, changeCondition]),
  /** Requests (or scored values) the window needs, and the reference too; fewer is "no data". */
  minSamples: z.number().int().min(1).max(1_000_000).default(100),
  noData: z.enum(['keep', 'resolve', 'alert']).default('keep'),
  /** Remind a firing (not acknowledged) alert every so many minutes (fractions allowed); 0: never. */
  renotifyMinutes: z.number().min(0).max(10_080).default(0),
  mutedUntil: z.iso.datetime({ offset: true }).nullable().default(null),
  notify: z.strictObject({ warning: channelIds, critical: channelIds }).default({ warning: [], critical: [] }),
  enabled: z.boolean().default(true),
};

export const monitorInput = z.strictObject(monitorFields).superRefine((m, ctx) => {
  const problem = conditionProblem(m.metric, m.condition);
  if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
});

export type MonitorInput = z.infer<typeof monitorInput>;
type MonitorCondition = MonitorInput['condition'];

/** Levels must be ordered (critical at or past warning in the harmful direction); change needs a judged metric. */
function conditionProblem(metric: MonitorMetric, c: MonitorCondition): { path: string[]; message: string } | null {
  if (!isMonitorMetric(metric)) return null; // reported on `metric` already
  const at = (field: string) => ['condition', field];
  const info = metricInfo(metric);
  if (c.type === 'change') {
    if (!info.judgedAs) return { path: at('type'), message: `a change condition cannot watch ${metric}` };
    const defaults = DEFAULT_DETECTOR_CONFIG.metrics[info.judgedAs];
    const warning = c.warning ?? defaults.warn;
    const critical = c.critical ?? defaults.fail;
    const ratio = defaults.effectKind === 'ratio';
    const harmful = (x: number) => (ratio ? x > 1 : info.direction === 'higher_is_worse' ? x > 0 : x < 0);
    if (!harmful(warning) || !harmful(critical)) {
      const what = ratio ? 'ratios above 1 (1.2 = +20%)' : 'differences below 0 (−0.05)';
      return { path: at(harmful(warning) ? 'critical' : 'warning'), message: `levels of ${metric} are ${what}` };
    }
    if (ratio ? critical < warning : critical > warning) {
      return { path: at('critical'), message: 'must be at or beyond the warning level' };
    }
    return null;
  }
  if (c.warning === null && c.critical === null)
    return { path: at('critical'), message: 'set warning, critical or both' };
  if (
    c.warning !== null &&
    c.critical !== null &&
    (c.op === 'above' ? c.critical < c.warning : c.critical > c.warning)
  ) {
    return {
      path: at('critical'),
      message: `must be ${c.op === 'above' ? 'at or above' : 'at or below'} the warning level`,
    };
  }
  return null;
}
