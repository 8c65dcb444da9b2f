import type { AlertScope, MonitorInput } from './api-types.js';
import { metricLabel, metricUnit } from './metric-names.js';
import { formatUnit, type Unit } from './units.js';

/** Words for monitors and alerts in the UI (pure, unit-tested). */

/** `support-triage in production on gpt-4o-mini`; empty parts are "every …". */
export function scopeText(scope: AlertScope): string {
  const prompt = scope.prompt === '' ? 'every prompt' : scope.prompt;
  const environment = scope.environment === '' ? 'every environment' : scope.environment;
  return `${prompt} in ${environment}${scope.model === '' ? '' : ` on ${scope.model}`}`;
}

/** The label of a monitor's metric: `Latency p95`, `Requests`, `Score "helpfulness"`. */
export function monitorMetricLabel(metric: string): string {
  if (metric === 'requests') return 'Requests';
  if (metric.startsWith('score:')) return `Score "${metric.slice('score:'.length)}"`;
  return metricLabel(metric);
}

/** The unit levels of a threshold condition are given in. */
export function monitorUnit(metric: string): Unit {
  if (metric === 'requests') return 'count';
  if (metric.startsWith('score:')) return 'score';
  return metricUnit(metric);
}

/** `10 min`, `3 h`, `7 days`. */
export function minutesText(minutes: number): string {
  if (minutes >= 1440 && minutes % 1440 === 0) return minutes === 1440 ? '24 h' : `${minutes / 1440} days`;
  return minutes >= 60 && minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}

/** A change level: `×1.5` for ratios, `−0.05` for differences (quality and scores). */
function effectText(metric: string, level: number): string {
  const difference = metric === 'quality' || metric.startsWith('score:');
  return difference ? `${level > 0 ? '+' : ''}${level}`.replace('-', '−') : `×${level}`;
}

/** What a monitor watches, in one line. */
export function conditionText(m: Pick<MonitorInput, 'metric' | 'condition'>): string {
  const c = m.condition;
  const label = monitorMetricLabel(m.metric);
  const levels: string[] = [];
  if (c.type === 'threshold') {
    const unit = monitorUnit(m.metric);
    if (c.warning !== null) levels.push(`${formatUnit(unit, c.warning)} warning`);
    if (c.critical !== null) levels.push(`${formatUnit(unit, c.critical)} critical`);
    return `${label} over ${minutesText(c.windowMinutes)} ${c.op} ${levels.join(', ')}`;
  }
  if (c.warning !== null) levels.push(`${effectText(m.metric, c.warning)} warning`);
  if (c.critical !== null) levels.push(`${effectText(m.metric, c.critical)} critical`);
  const thresholds = levels.length > 0 ? levels.join(', ') : 'the detector’s thresholds';
  return `${label} over ${minutesText(c.windowMinutes)} against the ${minutesText(c.referenceMinutes)} before: ${thresholds}`;
}
