import { Router } from 'express';
import { z } from 'zod';
import { optionalString, timeWindow } from '../analysis/query-params.js';
import { STEPS } from '../analysis/steps.js';
import type { ApiContext } from '../app.js';
import { badRequest } from '../http/errors.js';
import { parseField } from '../http/validation.js';
import { environmentName, promptName } from '../registry/names.js';
import { buildOverview } from './overview.js';

const HOUR_MS = 3_600_000;
/** Points per sparkline the automatic step aims at (at most), and the most a given step may produce. */
const AUTO_BUCKETS = 36;
/** The automatic steps: those the rollup tiers serve (15 minutes is no multiple of 10). */
const AUTO_STEPS = Object.entries(STEPS).flatMap(([name, seconds]) => (name === '15m' ? [] : [seconds]));
const MAX_BUCKETS = 120;
/** Lanes one refresh may name. */
export const MAX_LANES = 500;

const lane = z.string().transform((text, ctx) => {
  const colon = text.indexOf(':');
  const environment = environmentName.safeParse(text.slice(0, colon));
  const prompt = promptName.safeParse(text.slice(colon + 1));
  if (colon < 1 || !environment.success || !prompt.success) {
    ctx.addIssue({ code: 'custom', message: `"${text.slice(0, 100)}" is not <environment>:<prompt>` });
    return z.NEVER;
  }
  return { environment: environment.data, prompt: prompt.data };
});
const lanes = z.union([lane.transform((l) => [l]), z.array(lane).max(MAX_LANES, `at most ${MAX_LANES} lanes`)]);

/** The sparkline step: the one given (by name), else the finest giving at most AUTO_BUCKETS buckets. */
function stepFor(step: string | undefined, windowMs: number): number {
  const buckets = (seconds: number) => Math.ceil(windowMs / (seconds * 1000));
  if (step === undefined) return AUTO_STEPS.find((s) => buckets(s) <= AUTO_BUCKETS) ?? 86_400;
  const seconds = STEPS[step];
  if (seconds === undefined) throw badRequest(`step must be one of ${Object.keys(STEPS).join(', ')}`, 'step');
  if (buckets(seconds) > MAX_BUCKETS) {
    throw badRequest(
      `step ${step} gives more than ${MAX_BUCKETS} points over this window; choose a larger one`,
      'step',
    );
  }
  return seconds;
}

/**
 * `GET /api/v1/overview?from=&to=&step=&lane=<environment>:<prompt>…` — every lane's deployed version, canary,
 * latest verdict and trends (requests, p95, error rate, quality) in one answer; `lane` (repeatable) restricts it to
 * some lanes, for live refreshes.
 */
export function overviewRouter(ctx: Pick<ApiContext, 'store'>): Router {
  const router = Router();
  router.get('/overview', async (req, res) => {
    const q = req.query;
    for (const key of Object.keys(q)) {
      if (!['from', 'to', 'step', 'lane'].includes(key)) throw badRequest(`${key}: unknown parameter`, key);
    }
    const window = timeWindow(q, Date.now(), { defaultMs: 6 * HOUR_MS, maxMs: 400 * 24 * HOUR_MS });
    const stepSeconds = stepFor(optionalString(q, 'step', 10), window.to - window.from);
    // Whole buckets from the start: the first one is not a sliver of its minutes.
    window.from = Math.floor(window.from / (stepSeconds * 1000)) * stepSeconds * 1000;
    const selected = q.lane === undefined ? undefined : parseField(lanes, q.lane, 'lane');
    res.json(await buildOverview(ctx.store, { ...window, stepSeconds, ...(selected ? { lanes: selected } : {}) }));
  });
  return router;
}
