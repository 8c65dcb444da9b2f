import { strategyFromJson, type Strategy } from '../ramps/strategy.js';
import type { Store } from '../store/store.js';

export const REQUEST_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
/** What an approval performs: a deploy (or canary), or the recording of an external deployment. */
export const REQUEST_KINDS = ['deploy', 'external'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** A review request for a deployment to a protected environment. */
export interface DeploymentRequest {
  id: string;
  kind: RequestKind;
  prompt: string;
  environment: string;
  version: number;
  canaryPercent: number | null;
  /** The ramp its approval starts (server/ramps/), or null for a deploy or a canary. */
  strategy: Strategy | null;
  /** For `external`: when it happened, and who deployed as the caller reported it. */
  externalTime: string | null;
  externalActor: string | null;
  reason: string;
  status: RequestStatus;
  requestedBy: string;
  requestedAt: string;
  reviewedBy: string | null;
  reviewComment: string | null;
  reviewedAt: string | null;
  /** The deployment event its approval recorded (or the deployment already live when nothing had to change). */
  deploymentId: string | null;
  updatedAt: string;
}

interface RequestRow {
  id: string;
  kind: string;
  prompt: string;
  environment: string;
  version: number;
  canary_percent: number | null;
  strategy: string;
  external_time: string | null;
  external_actor: string;
  reason: string;
  status: string;
  requested_by: string;
  requested_at: string;
  reviewed_by: string;
  review_comment: string;
  reviewed_at: string | null;
  deployment_id: string;
  updated_at: string;
}

const COLUMNS = `id, kind, prompt, environment, version, canary_percent, strategy, external_time, external_actor, reason,
  status, requested_by, requested_at, reviewed_by, review_comment, reviewed_at, deployment_id, updated_at`;

const fromRow = (row: RequestRow): DeploymentRequest => ({
  id: row.id,
  kind: row.kind as RequestKind,
  prompt: row.prompt,
  environment: row.environment,
  version: row.version,
  canaryPercent: row.canary_percent,
  strategy: strategyFromJson(row.strategy),
  externalTime: row.external_time,
  externalActor: row.external_actor === '' ? null : row.external_actor,
  reason: row.reason,
  status: row.status as RequestStatus,
  requestedBy: row.requested_by,
  requestedAt: row.requested_at,
  reviewedBy: row.reviewed_by === '' ? null : row.reviewed_by,
  reviewComment: row.reviewed_by === '' ? null : row.review_comment,
  reviewedAt: row.reviewed_at,
  deploymentId: row.deployment_id === '' ? null : row.deployment_id,
  updatedAt: row.updated_at,
});

const toRow = (r: DeploymentRequest): RequestRow => ({
  id: r.id,
  kind: r.kind,
  prompt: r.prompt,
  environment: r.environment,
  version: r.version,
  canary_percent: r.canaryPercent,
  strategy: r.strategy ? JSON.stringify(r.strategy) : '',
  external_time: r.externalTime,
  external_actor: r.externalActor ?? '',
  reason: r.reason,
  status: r.status,
  requested_by: r.requestedBy,
  requested_at: r.requestedAt,
  reviewed_by: r.reviewedBy ?? '',
  review_comment: r.reviewComment ?? '',
  reviewed_at: r.reviewedAt,
  deployment_id: r.deploymentId ?? '',
  updated_at: r.updatedAt,
});

/** Writes the request's current state; the newest `updatedAt` per id wins. */
export async function writeRequest(store: Store, request: DeploymentRequest): Promise<void> {
  await store.insert('deployment_requests', [toRow(request)]);
}

export async function findRequest(store: Store, id: string): Promise<DeploymentRequest | undefined> {
  const rows = await store.query<RequestRow>(
    `SELECT ${COLUMNS} FROM deployment_requests FINAL WHERE id = {id:String}`,
    {
      id,
    },
  );
  return rows[0] && fromRow(rows[0]);
}

export interface RequestFilter {
  status?: RequestStatus;
  prompt?: string;
  environment?: string;
  limit: number;
  offset: number;
}

/** Requests, newest first. */
export async function listRequests(store: Store, filter: RequestFilter): Promise<DeploymentRequest[]> {
  const rows = await store.query<RequestRow>(
    `SELECT ${COLUMNS} FROM deployment_requests FINAL
     WHERE ({status:String} = '' OR status = {status:String})
       AND ({prompt:String} = '' OR prompt = {prompt:String})
       AND ({environment:String} = '' OR environment = {environment:String})
     ORDER BY requested_at DESC, id DESC LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
    {
      status: filter.status ?? '',
      prompt: filter.prompt ?? '',
      environment: filter.environment ?? '',
      limit: filter.limit,
      offset: filter.offset,
    },
  );
  return rows.map(fromRow);
}
