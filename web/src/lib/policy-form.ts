import { formatStrategyText, parseStrategyText } from '../../../server/ramps/strategy-text.js';
import type { DetectorConfig, Environment, MetricName } from './api-types.js';

/**
 * The policy editor's form: every policy and the detector settings an author tunes, as text (empty = the default),
 * and the PATCH body it becomes. Detector overrides the form does not show are kept as they are.
 */
export const DETECTOR_GLOBALS = [
  ['bakeMinutes', 'Bake window (minutes)'],
  ['skipMinutesAfterSwitch', 'Skip after the switch (minutes)'],
  ['minMinutesBeforeAutoRollback', 'No automatic rollback before (minutes)'],
  ['consecutiveFailsForRollback', 'Failing evaluations in a row before rollback'],
] as const;

export const METRIC_FIELDS = ['warn', 'fail', 'minSamples'] as const;

type GlobalKey = (typeof DETECTOR_GLOBALS)[number][0];
type MetricField = (typeof METRIC_FIELDS)[number];

export interface PolicyForm {
  autoRollback: boolean;
  autoPromote: boolean;
  canaryPercent: string;
  canaryBakeMinutes: string;
  /** The default ramp strategy as text (`5% 15m → 25% 30m → 100%`); empty: none, deploys take effect at once. */
  defaultStrategy: string;
  /** Release gate: the dataset a version must pass (empty: no gate) and the tolerated drop per category. */
  gateDataset: string;
  gateMaxDrop: string;
  globals: Record<GlobalKey, string>;
  /** Critical named scores, comma-separated; empty: none (quality, the mean of every score, is judged). */
  criticalScores: string;
  metrics: Record<string, Record<MetricField, string> & { enabled: boolean }>;
}

type Overrides = Record<string, unknown> & { metrics?: Record<string, Record<string, unknown>> };

const text = (v: unknown) => (typeof v === 'number' ? String(v) : '');

export function policyForm(env: Environment, defaults: DetectorConfig): PolicyForm {
  const detector = env.policies.detector as Overrides;
  const metrics = Object.fromEntries(
    (Object.keys(defaults.metrics) as MetricName[]).map((name) => {
      const o = detector.metrics?.[name] ?? {};
      return [
        name,
        { warn: text(o.warn), fail: text(o.fail), minSamples: text(o.minSamples), enabled: o.enabled !== false },
      ];
    }),
  );
  return {
    autoRollback: env.policies.autoRollback,
    autoPromote: env.policies.autoPromote,
    canaryPercent: String(env.policies.canary.percent),
    canaryBakeMinutes: String(env.policies.canary.bakeMinutes),
    defaultStrategy: env.policies.defaultStrategy ? formatStrategyText(env.policies.defaultStrategy) : '',
    gateDataset: env.policies.releaseGate?.dataset ?? '',
    gateMaxDrop: env.policies.releaseGate ? String(env.policies.releaseGate.maxDrop) : '',
    globals: Object.fromEntries(DETECTOR_GLOBALS.map(([key]) => [key, text(detector[key])])) as Record<
      GlobalKey,
      string
    >,
    criticalScores: Array.isArray(detector.criticalScores) ? detector.criticalScores.join(', ') : '',
    metrics,
  };
}

/** The names of a comma-separated list, trimmed, without empty or repeated ones; null when there is none. */
export function scoreList(text: string): string[] | null {
  const names = [...new Set(text.split(',').map((n) => n.trim()))].filter((n) => n !== '');
  return names.length > 0 ? names : null;
}

/**
 * The `policies` of a PATCH: numbers from the text fields, empty fields left to their defaults. Throws naming the
 * default strategy when its text cannot be read.
 */
export function policiesPatch(form: PolicyForm, current: Environment): Record<string, unknown> {
  const number = (value: string) => (value.trim() === '' ? undefined : Number(value));
  const detector: Overrides = { ...(current.policies.detector as Overrides) };
  for (const [key] of DETECTOR_GLOBALS) {
    const n = number(form.globals[key]);
    if (n === undefined) delete detector[key];
    else detector[key] = n;
  }
  const scores = scoreList(form.criticalScores);
  if (scores === null) delete detector.criticalScores;
  else detector.criticalScores = scores;
  const metrics: Record<string, Record<string, unknown>> = { ...(detector.metrics ?? {}) };
  for (const [name, m] of Object.entries(form.metrics)) {
    const entry: Record<string, unknown> = { ...(metrics[name] ?? {}) };
    for (const field of METRIC_FIELDS) {
      const n = number(m[field]);
      if (n === undefined) delete entry[field];
      else entry[field] = n;
    }
    if (m.enabled) delete entry.enabled;
    else entry.enabled = false;
    if (Object.keys(entry).length > 0) metrics[name] = entry;
    else delete metrics[name];
  }
  if (Object.keys(metrics).length > 0) detector.metrics = metrics;
  else delete detector.metrics;
  return {
    autoRollback: form.autoRollback,
    autoPromote: form.autoPromote,
    canary: { percent: number(form.canaryPercent), bakeMinutes: number(form.canaryBakeMinutes) },
    detector,
    defaultStrategy: strategyOf(form.defaultStrategy),
    releaseGate:
      form.gateDataset.trim() === '' ? null : { dataset: form.gateDataset.trim(), maxDrop: number(form.gateMaxDrop) },
  };
}

function strategyOf(text: string) {
  if (text.trim() === '') return null;
  const parsed = parseStrategyText(text);
  if ('error' in parsed) throw new Error(`Default ramp strategy: ${parsed.error}`);
  return parsed.strategy;
}
