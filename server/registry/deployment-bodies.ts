import { z } from 'zod';
import { strategySchema } from '../ramps/strategy.js';
import { DEPLOYMENT_KINDS } from './deployment-event.js';
import { canaryPercent, comment, environmentName, promptName, reason, REASON_MAX, versionNumber } from './names.js';
import { epochMs, timeParam } from '../http/validation.js';
import { pageParams } from './query-params.js';

/** Request bodies and queries of the deployment routes. */

/** An admin's reason to deploy although the environment's release gate refuses; recorded on the event. */
const gateOverride = z
  .string()
  .min(1, 'must not be empty')
  .max(REASON_MAX, `must be at most ${REASON_MAX} characters`)
  .optional();

const expectedDeploymentId = z.string().max(100, 'must be at most 100 characters').nullable().optional();

export const deployBody = z.strictObject({
  prompt: promptName,
  environment: environmentName,
  version: versionNumber,
  reason,
  canaryPercent: canaryPercent.optional(),
  /** A ramp's steps; null: at once; absent: the environment's default strategy (server/ramps/choose-strategy.ts). */
  strategy: strategySchema.nullable().optional(),
  expectedDeploymentId,
  gateOverride,
});

/** A review request carries no override: the approver gives it (reviewBody). */
export const requestBody = deployBody.omit({ gateOverride: true });

export const reviewBody = z.strictObject({ comment, gateOverride });

export const rollbackBody = z.strictObject({
  prompt: promptName,
  environment: environmentName,
  toVersion: versionNumber.optional(),
  reason,
  expectedDeploymentId,
});

export const externalBody = z.strictObject({
  prompt: promptName,
  environment: environmentName,
  version: versionNumber,
  /** ISO-8601 time or epoch milliseconds; default now. */
  timestamp: z.union([epochMs, timeParam], 'must be an ISO-8601 time or epoch milliseconds').optional(),
  actor: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
  reason,
  gateOverride,
});

export const promoteBody = z.strictObject({ reason });

export const deploymentsQuery = z.object({
  prompt: promptName.optional(),
  environment: environmentName.optional(),
  kind: z.enum(DEPLOYMENT_KINDS).optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  ...pageParams,
});
