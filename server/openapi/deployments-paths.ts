import { DEPLOYMENT_KINDS } from '../registry/deployment-event.js';
import { REQUEST_STATUSES } from '../registry/request-queries.js';
import {
  arrayOf,
  freeObject,
  input,
  integer,
  json,
  jsonBody,
  object,
  pageParams,
  pathParam,
  query,
  ref,
  string,
  taggedOperation,
  windowParams,
  type Feature,
  type Schema,
} from './openapi-helpers.js';
import {
  canaryPercentSchema,
  environmentNameSchema,
  promptNameSchema,
  reasonSchema,
  versionNumberSchema,
} from './registry-schemas.js';

const tag = 'deployments';
const op = taggedOperation(tag);

const id = pathParam('id', 'Deployment event id.');
const requestId = pathParam('id', 'Review request id.');
const deployment = (description: string) => json(description, ref('DeploymentEvent'));
const expectedDeploymentId = string(
  'Optimistic concurrency: the lane’s newest deployment id as the caller last saw it (null: nothing deployed yet). If the lane moved, 409 with the current deployment.',
  { maxLength: 100 },
);
const stale = { 409: json('The lane moved since `expectedDeploymentId`.', ref('StaleDeployment')) };
const gateOverride = string(
  'Admin only: the reason to deploy although the environment’s release gate refuses (recorded on the event as `gateOverride`). Without it a refusing gate answers 409 for every key.',
  { maxLength: 1000 },
);
const gated = {
  409: json(
    'The lane moved since `expectedDeploymentId` (`current`), or the release gate refused (`gate_refused`: the message names the dataset and the categories that regressed, or says no finished run exists; `gate` has the run and its findings).',
    freeObject('`{ error, current }` or `{ error, gate }`.'),
  ),
};
const requestInput = input(
  {
    prompt: promptNameSchema,
    environment: environmentNameSchema,
    version: versionNumberSchema,
    reason: reasonSchema,
    canaryPercent: canaryPercentSchema,
    strategy: {
      anyOf: [ref('Strategy'), { type: 'null' }],
      description:
        'A ramp: the version walks through these steps. `null`: deploy at once. Absent: the environment’s `policies.defaultStrategy` when something else is live and no canary runs. Not with `canaryPercent`.',
    },
    expectedDeploymentId: { anyOf: [expectedDeploymentId, { type: 'null' }] },
  },
  ['prompt', 'environment', 'version'],
);
const deployInput = input({ ...(requestInput.properties as Record<string, Schema>), gateOverride }, [
  'prompt',
  'environment',
  'version',
]);
const comment = string('At most 2000 characters.', { maxLength: 2000 });
const reviewInput = jsonBody(input({ comment }, []), false);
const approveInput = jsonBody(input({ comment, gateOverride }, []), false);

export const deploymentsFeature: Feature = {
  tag: {
    name: tag,
    description:
      'The append-only deployment history: deploys, canaries, promotions, rollbacks, external deployments, and review requests for protected environments. Every create/deploy response returns the created object with its `id` at the top level.',
  },
  schemas: {},
  paths: {
    '/api/v1/deployments': {
      post: op({
        id: 'deploy',
        role: 'deployer',
        summary: 'Deploy a version, start a canary with `canaryPercent`, or a ramp with `strategy`',
        description:
          'In a protected environment a `deployer`’s deploy of a version that never served there becomes a review request (202, `Location` of the request); an admin deploys directly (recorded with `authorization: admin`).',
        body: jsonBody(deployInput),
        responses: {
          201: deployment('The recorded deployment event.'),
          200: deployment('Nothing had to change: the current deployment.'),
          202: json('A review request (protected environment).', ref('DeploymentRequest')),
          ...gated,
        },
        errors: [400, 404],
      }),
      get: op({
        id: 'listDeployments',
        summary: 'The audit trail, newest first',
        params: [
          query('prompt', 'Prompt name.'),
          query('environment', 'Environment name.'),
          query('kind', 'Event kind.', {
            type: 'string',
            enum: DEPLOYMENT_KINDS,
          }),
          ...windowParams('all time'),
          ...pageParams,
        ],
        responses: { 200: json('Events.', object({ deployments: arrayOf(ref('DeploymentEvent')) })) },
        errors: [400],
      }),
    },
    '/api/v1/deployments/rollback': {
      post: op({
        id: 'rollback',
        role: 'deployer',
        summary: 'Roll back (immediate, even in protected environments)',
        description:
          'Without `toVersion`, restores the version live before the current one, walking back over earlier rollbacks; a canary in progress is aborted. A rollback only restores: a `toVersion` that was never live in this environment is refused (409, field `toVersion`).',
        body: jsonBody(
          input(
            {
              prompt: promptNameSchema,
              environment: environmentNameSchema,
              toVersion: versionNumberSchema,
              reason: reasonSchema,
              expectedDeploymentId: { anyOf: [expectedDeploymentId, { type: 'null' }] },
            },
            ['prompt', 'environment'],
          ),
        ),
        responses: {
          201: deployment('The rollback event.'),
          200: deployment('Nothing had to change: the current deployment.'),
          ...stale,
        },
        errors: [400, 404],
      }),
    },
    '/api/v1/deployments/external': {
      post: op({
        id: 'recordExternalDeployment',
        role: 'deployer',
        summary: 'Record a deployment made elsewhere, at its own time',
        body: jsonBody(
          input(
            {
              prompt: promptNameSchema,
              environment: environmentNameSchema,
              version: versionNumberSchema,
              timestamp: {
                anyOf: [string('ISO-8601 time.'), integer('Epoch milliseconds.')],
                description: 'When it happened (default: now).',
              },
              actor: string('Who deployed (CI job, other registry), at most 200 characters.'),
              reason: reasonSchema,
              gateOverride,
            },
            ['prompt', 'environment', 'version'],
          ),
        ),
        description:
          'It changes what the environment serves like a deploy, so a protected environment reviews it the same way: a `deployer`’s external deployment of a version that never served there becomes a review request (202).',
        responses: {
          201: deployment('The `external` event.'),
          202: json('A review request (protected environment).', ref('DeploymentRequest')),
          ...gated,
        },
        errors: [400, 404],
      }),
    },
    '/api/v1/deployments/{id}': {
      get: op({
        id: 'getDeployment',
        summary: 'One deployment event',
        params: [id],
        responses: { 200: deployment('The event.') },
        errors: [404],
      }),
    },
    '/api/v1/deployments/{id}/promote': {
      post: op({
        id: 'promoteCanary',
        role: 'deployer',
        summary: 'Promote a canary in progress to 100%',
        description:
          'In a protected environment a `deployer` may promote a canary that was reviewed (or started by an admin); promoting one that was not becomes a review request for deploying its version (202).',
        params: [id],
        body: jsonBody(input({ reason: reasonSchema }, []), false),
        responses: {
          201: deployment('The `canary_promote` event.'),
          202: json('A review request (protected environment, canary not reviewed).', ref('DeploymentRequest')),
        },
        errors: [400, 404, 409],
      }),
    },
    '/api/v1/deployments/requests': {
      get: op({
        id: 'listDeploymentRequests',
        summary: 'Review requests, newest first',
        params: [
          query('status', 'Request status.', { type: 'string', enum: REQUEST_STATUSES }),
          query('prompt', 'Prompt name.'),
          query('environment', 'Environment name.'),
          ...pageParams,
        ],
        responses: { 200: json('Requests.', object({ requests: arrayOf(ref('DeploymentRequest')) })) },
        errors: [400],
      }),
      post: op({
        id: 'createDeploymentRequest',
        role: 'deployer',
        summary: 'Ask for a deployment to be reviewed',
        body: jsonBody(requestInput),
        responses: { 201: json('The pending request.', ref('DeploymentRequest')) },
        errors: [400, 404],
      }),
    },
    '/api/v1/deployments/requests/{id}': {
      get: op({
        id: 'getDeploymentRequest',
        summary: 'One review request',
        params: [requestId],
        responses: { 200: json('The request.', ref('DeploymentRequest')) },
        errors: [404],
      }),
    },
    '/api/v1/deployments/requests/{id}/approve': {
      post: op({
        id: 'approveDeploymentRequest',
        role: 'deployer',
        summary: 'Approve a pending request (by another key than the requester): performs the deployment',
        params: [requestId],
        body: approveInput,
        description:
          'The approval performs the deployment, so the environment’s release gate applies (409 `gate_refused`; the request stays pending).',
        responses: { 200: json('The approved request, with `deploymentId`.', ref('DeploymentRequest')) },
        errors: [400, 404, 409],
      }),
    },
    '/api/v1/deployments/requests/{id}/reject': {
      post: op({
        id: 'rejectDeploymentRequest',
        role: 'deployer',
        summary: 'Reject a pending request (by another key than the requester): nothing is deployed',
        params: [requestId],
        body: reviewInput,
        responses: { 200: json('The rejected request.', ref('DeploymentRequest')) },
        errors: [400, 404, 409],
      }),
    },
  },
};
