import { href } from './route.js';
import { rangeParams, windowAround } from './time-range.js';

/**
 * The on-call view of a deployment's lane with its analysis panel open, over a window around the deployment
 * (absolute `from`/`to`, so the link shows the same thing when shared later).
 */
export function deploymentHref(
  d: { prompt: string; environment: string; deploymentId: string; time: string },
  now: number,
): string {
  const window = windowAround(Date.parse(d.time), now);
  return href(
    { page: 'oncall', prompt: d.prompt, environment: d.environment },
    { ...rangeParams({ kind: 'absolute', ...window }), deployment: d.deploymentId },
  );
}
