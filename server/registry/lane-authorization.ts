import { AppError } from '../http/errors.js';
import type { Actor } from '../http/auth.js';
import type { EventDraft } from './deployment-plans.js';
import type { LaneState } from './environment-state.js';

/**
 * The one check between a change to what an environment serves and its deployment event: every writer (deploy,
 * canary start and re-weight, promote, rollback, external, request approval, the analysis loop's automatic actions)
 * goes through writeLane, and writeLane asks `authorizeLaneChange`. The answer is recorded on the event:
 *
 * - `review`: an approved review request performs it (`requestId`).
 * - `unprotected`: the environment is not protected.
 * - `restore`: it only brings back what served here before — a version that was the stable version of this lane
 *   (a rollback, a redeploy), or the stable version keeping all traffic (a canary abort).
 * - `reviewed_canary`: it re-weights or promotes the canary in progress, which was itself started through a review
 *   or by an admin.
 * - `admin`: an admin key skipped the review of a protected environment.
 *
 * Anything else in a protected environment — a version that never served here, by a non-admin — throws
 * ReviewRequiredError: the HTTP routes turn it into a review request, automatic actions give up.
 */
export const AUTHORIZATIONS = ['review', 'unprotected', 'restore', 'reviewed_canary', 'admin'] as const;
export type Authorization = (typeof AUTHORIZATIONS)[number];

export class ReviewRequiredError extends AppError {
  constructor(
    readonly prompt: string,
    readonly environment: string,
    readonly version: number,
  ) {
    super(
      403,
      'review_required',
      `environment "${environment}" is protected and version ${version} has not served there before: ` +
        'it needs an approved review request (POST /api/v1/deployments/requests) or an admin key',
    );
    this.name = 'ReviewRequiredError';
  }
}

export interface LaneChange {
  prompt: string;
  environment: { name: string; protected: boolean };
  actor: Actor;
  /** Set only by the approval of a review request. */
  requestId?: string | null;
  draft: EventDraft;
}

export function authorizeLaneChange(state: LaneState, change: LaneChange): Authorization {
  const { draft, environment, actor } = change;
  if (change.requestId) return 'review';
  if (!environment.protected) return 'unprotected';
  if (draft.kind === 'canary_abort' || state.liveVersions.includes(draft.version)) return 'restore';
  if (state.canary?.reviewed && state.canary.version === draft.version) return 'reviewed_canary';
  if (actor.role === 'admin') return 'admin';
  throw new ReviewRequiredError(change.prompt, environment.name, draft.version);
}
