import { randomUUID } from 'node:crypto';
import type { Actor } from '../http/auth.js';
import { conflict, forbidden, notFound } from '../http/errors.js';
import { nowIso, timeAfter } from './clock.js';
import { deploy, externalTime, recordExternal, requireTarget, type DeployInput } from './deploy-service.js';
import { laneEvents } from './deployment-queries.js';
import { deriveLaneState } from './environment-state.js';
import { locks } from './keyed-mutex.js';
import { checkExpected, type LaneWrite } from './lane-writer.js';
import { publish, type RegistryDeps } from './registry-deps.js';
import { findRequest, writeRequest, type DeploymentRequest } from './request-queries.js';

/** What a review request asks for: a deploy (or canary), or with `external` the recording of one made elsewhere. */
export interface RequestInput extends DeployInput {
  external?: { time?: number; externalActor?: string };
}

/**
 * Review before release: in a protected environment, a change that would make a version serve there for the first
 * time (a deploy, canary, external deployment or promotion by a non-admin; see lane-authorization.ts) becomes a
 * pending request; another key approves it (which performs the change, recorded with the approver as actor and the
 * request's id) or rejects it (nothing changes). Every step is published: deployment_request.created / .approved /
 * .rejected.
 */
export async function createRequest(deps: RegistryDeps, input: RequestInput): Promise<DeploymentRequest> {
  const time = input.external && externalTime(input.external.time);
  await requireTarget(deps, input.prompt, input.environment, input.version);
  if (input.expectedDeploymentId !== undefined) {
    checkExpected(
      deriveLaneState(await laneEvents(deps.store, input.prompt, input.environment)),
      input.expectedDeploymentId,
    );
  }
  const now = nowIso();
  const request: DeploymentRequest = {
    id: randomUUID(),
    kind: input.external ? 'external' : 'deploy',
    prompt: input.prompt,
    environment: input.environment,
    version: input.version,
    canaryPercent: input.canaryPercent ?? null,
    strategy: input.strategy ?? null,
    externalTime: time === undefined ? null : new Date(time).toISOString(),
    externalActor: input.external?.externalActor ?? null,
    reason: input.reason,
    status: 'pending',
    requestedBy: input.actor.name,
    requestedAt: now,
    reviewedBy: null,
    reviewComment: null,
    reviewedAt: null,
    deploymentId: null,
    updatedAt: now,
  };
  await writeRequest(deps.store, request);
  publish(deps, 'deployment_request.created', request);
  return request;
}

export interface ReviewInput {
  id: string;
  comment: string;
  actor: Actor;
  /** Approval only: an admin's reason to deploy although the release gate refuses. */
  gateOverride?: string;
}

export async function approveRequest(deps: RegistryDeps, input: ReviewInput): Promise<DeploymentRequest> {
  return review(deps, input, async (request) => {
    const { event } = await perform(deps, request, input.actor, input.gateOverride);
    return { status: 'approved', deploymentId: event.id };
  });
}

/** What an approval does: the requested change, recorded with the approver as actor and the request's id. */
function perform(
  deps: RegistryDeps,
  request: DeploymentRequest,
  actor: Actor,
  gateOverride: string | undefined,
): Promise<LaneWrite> {
  const target = {
    prompt: request.prompt,
    environment: request.environment,
    version: request.version,
    actor,
    ...(gateOverride ? { gateOverride } : {}),
  };
  if (request.kind === 'external') {
    return recordExternal(deps, {
      ...target,
      ...(request.externalTime === null ? {} : { time: Date.parse(request.externalTime) }),
      ...(request.externalActor === null ? {} : { externalActor: request.externalActor }),
      reason: request.reason,
      requestId: request.id,
    });
  }
  return deploy(deps, {
    ...target,
    reason: request.reason,
    ...(request.canaryPercent === null ? {} : { canaryPercent: request.canaryPercent }),
    ...(request.strategy === null ? {} : { strategy: request.strategy }),
    requestId: request.id,
  });
}

export async function rejectRequest(deps: RegistryDeps, input: ReviewInput): Promise<DeploymentRequest> {
  return review(deps, input, () => Promise.resolve({ status: 'rejected', deploymentId: null }));
}

async function review(
  deps: RegistryDeps,
  input: ReviewInput,
  act: (request: DeploymentRequest) => Promise<Pick<DeploymentRequest, 'status' | 'deploymentId'>>,
): Promise<DeploymentRequest> {
  return locks.request.run(input.id, async () => {
    const request = await findRequest(deps.store, input.id);
    if (!request) throw notFound(`deployment request "${input.id}" does not exist`, 'id');
    if (request.status !== 'pending') throw conflict(`deployment request "${request.id}" is already ${request.status}`);
    if (request.requestedBy === input.actor.name) {
      throw forbidden(`a request must be reviewed by another key than the one that made it ("${request.requestedBy}")`);
    }
    const outcome = await act(request);
    const reviewed: DeploymentRequest = {
      ...request,
      ...outcome,
      reviewedBy: input.actor.name,
      reviewComment: input.comment,
      reviewedAt: nowIso(),
      updatedAt: timeAfter(request.updatedAt),
    };
    await writeRequest(deps.store, reviewed);
    publish(deps, `deployment_request.${reviewed.status}`, reviewed);
    return reviewed;
  });
}
