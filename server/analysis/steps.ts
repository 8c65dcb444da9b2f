import { badRequest } from '../http/errors.js';

/** The time-series steps offered (allow-list), by name, in seconds. */
export const STEPS: Readonly<Record<string, number>> = {
  '1m': 60,
  '5m': 300,
  '10m': 600,
  '15m': 900,
  '30m': 1800,
  '1h': 3600,
  '3h': 10_800,
  '6h': 21_600,
  '1d': 86_400,
};

/** Most buckets an explicit step may produce; the automatic step aims at AUTO_BUCKETS at most. */
export const MAX_BUCKETS = 1500;
const AUTO_BUCKETS = 500;

/** The step in seconds: the named one (or its value in seconds), else the smallest giving ≤ 500 buckets. */
export function chooseStep(step: string | undefined, windowMs: number): number {
  const buckets = (seconds: number) => Math.ceil(windowMs / (seconds * 1000));
  const allowed = Object.values(STEPS);
  if (step === undefined) return allowed.find((s) => buckets(s) <= AUTO_BUCKETS) ?? 86_400;
  const seconds = STEPS[step] ?? (allowed.includes(Number(step)) ? Number(step) : undefined);
  if (seconds === undefined) {
    throw badRequest(`step must be one of ${Object.keys(STEPS).join(', ')} (or the same in seconds)`, 'step');
  }
  if (buckets(seconds) > MAX_BUCKETS) {
    throw badRequest(
      `step ${step} gives more than ${MAX_BUCKETS} points over this window; choose a larger one`,
      'step',
    );
  }
  return seconds;
}
