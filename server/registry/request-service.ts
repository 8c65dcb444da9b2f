import { randomUUID } from 'node:crypto';
import { conflict, forbidden, notFound } from '../http/errors.js';
import { nowIso, timeAfter } from './clock.js';
import { deploy, requireTarget, type DeployInput } from './deploy-service.js';
import { laneEvents } from './deployment-queries.js';
import { deriveLaneState } from './environment-state.js';
import { locks } from './keyed-mutex.js';
import { checkExpected } from './lane-writer.js';
import { publish, type RegistryDeps } from './registry-deps.js';
import { findRequest, writeRequest, type DeploymentRequest } from './request-queries.js';

/**
 * Review before release: a deploy to a protected environment by a `deployer` becomes a pending request; another key
 * approves it (which performs the deployment, recorded with the approver as actor and the request's id) or rejects
 * it (nothing changes). Every step is published: deployment_request.created / .approved / .rejected.
 */
export async function createRequest(deps: RegistryDeps, input: DeployInput): Promise<DeploymentRequest> {
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
    prompt: input.prompt,
    environment: input.environment,
    version: input.version,
    canaryPercent: input.canaryPercent ?? null,
    strategy: input.strategy ?? null,
    reason: input.reason,
    status: 'pending',
    requestedBy: input.actor,
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
  actor: string;
}

export async function approveRequest(deps: RegistryDeps, input: ReviewInput): Promise<DeploymentRequest> {
  return review(deps, input, async (request) => {
    const { event } = await deploy(deps, {
      prompt: request.prompt,
      environment: request.environment,
      version: request.version,
      reason: request.reason,
      ...(request.canaryPercent === null ? {} : { canaryPercent: request.canaryPercent }),
      ...(request.strategy === null ? {} : { strategy: request.strategy }),
      actor: input.actor,
      requestId: request.id,
    });
    return { status: 'approved', deploymentId: event.id };
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
    if (request.requestedBy === input.actor) {
      throw forbidden(`a request must be reviewed by another key than the one that made it ("${request.requestedBy}")`);
    }
    const outcome = await act(request);
    const reviewed: DeploymentRequest = {
      ...request,
      ...outcome,
      reviewedBy: input.actor,
      reviewComment: input.comment,
      reviewedAt: nowIso(),
      updatedAt: timeAfter(request.updatedAt),
    };
    await writeRequest(deps.store, reviewed);
    publish(deps, `deployment_request.${reviewed.status}`, reviewed);
    return reviewed;
  });
}
