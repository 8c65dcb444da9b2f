import { href } from './route.js';
import { rangeParams, windowAround, type TimeRange } from './time-range.js';

/**
 * The on-call view of a deployment's lane with its analysis panel open, over a window around the deployment. When
 * that window reaches the present (a recent deployment: what Investigate links and alerts open) it follows the
 * clock, so a rollback made from the panel and the recovery after it come into view; an older deployment gets a
 * fixed window, which shows the same thing when the link is shared later.
 */
export function deploymentHref(
  d: { prompt: string; environment: string; deploymentId: string; time: string },
  now: number,
): string {
  const window = windowAround(Date.parse(d.time), now);
  const range: TimeRange = window.to >= now ? { kind: 'since', from: window.from } : { kind: 'absolute', ...window };
  return href(
    { page: 'oncall', prompt: d.prompt, environment: d.environment },
    { ...rangeParams(range), deployment: d.deploymentId },
  );
}
