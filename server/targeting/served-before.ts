import type { Actor } from '../http/auth.js';
import { AppError } from '../http/errors.js';
import { laneEvents } from '../registry/deployment-queries.js';
import type { Environment } from '../registry/environment-queries.js';
import { deriveLaneState } from '../registry/environment-state.js';
import { authorizeLaneChange, ReviewRequiredError } from '../registry/lane-authorization.js';
import type { Store } from '../store/store.js';

/**
 * Whether a targeting rule or an A/B test may serve these versions in the lane: each goes through the one review
 * check of what an environment serves (lane-authorization.ts) as a deploy of that version would — in a protected
 * environment only versions that served there before (or the reviewed canary), unless an admin does it. Throws 403
 * `review_required` naming the first version that needs a review and the field it came from.
 */
export async function requireServedBefore(
  store: Store,
  lane: { prompt: string; environment: Environment; actor: Actor },
  versions: readonly { version: number; what: string; field: string }[],
): Promise<void> {
  if (versions.length === 0) return;
  const state = deriveLaneState(await laneEvents(store, lane.prompt, lane.environment.name));
  for (const v of versions) {
    const draft = {
      kind: 'deploy' as const,
      version: v.version,
      previousVersion: state.stableVersion,
      canaryPercent: null,
    };
    try {
      authorizeLaneChange(state, { prompt: lane.prompt, environment: lane.environment, actor: lane.actor, draft });
    } catch (err) {
      if (!(err instanceof ReviewRequiredError)) throw err;
      throw new AppError(
        403,
        'review_required',
        `environment "${lane.environment.name}" is protected and version ${v.version} (${v.what}) has not served ` +
          'there: deploy it through a review first, or have an admin do this',
        v.field,
      );
    }
  }
}
