import type { Actor } from '../http/auth.js';
import { AppError } from '../http/errors.js';
import { laneEvents } from '../registry/deployment-queries.js';
import type { Environment } from '../registry/environment-queries.js';
import type { Store } from '../store/store.js';

/**
 * What a rule or an A/B test may serve in a protected environment: versions that have been the stable version of
 * the lane (what a deploy's review already let in), unless an admin does it — like a deploy, a version new to the
 * environment needs a review. Throws 403 `review_required` naming the first version that has not served there.
 */
export async function requireServedBefore(
  store: Store,
  lane: { prompt: string; environment: Environment; actor: Actor },
  versions: readonly { version: number; what: string; field: string }[],
): Promise<void> {
  if (!lane.environment.protected || lane.actor.role === 'admin') return;
  const events = await laneEvents(store, lane.prompt, lane.environment.name);
  const served = new Set(
    events
      .filter((e) => !['canary_start', 'canary_abort', 'ramp_pause', 'ramp_resume'].includes(e.kind))
      .map((e) => e.version),
  );
  const fresh = versions.find((v) => !served.has(v.version));
  if (!fresh) return;
  throw new AppError(
    403,
    'review_required',
    `environment "${lane.environment.name}" is protected and version ${fresh.version} (${fresh.what}) has not ` +
      'served there: deploy it through a review first, or have an admin do this',
    fresh.field,
  );
}
