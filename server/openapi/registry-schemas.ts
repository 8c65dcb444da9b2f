import { ROLES } from '../http/auth.js';
import { DEPLOYMENT_KINDS } from '../registry/deployment-event.js';
import { AUTHORIZATIONS } from '../registry/lane-authorization.js';
import { REQUEST_KINDS, REQUEST_STATUSES } from '../registry/request-queries.js';
import { MESSAGE_ROLES } from '../registry/version-snapshot.js';
import {
  arrayOf,
  boolean,
  freeObject,
  integer,
  nullable,
  number,
  object,
  ref,
  string,
  time,
  type Schema,
} from './openapi-helpers.js';

/** The registry's objects: prompts, versions, environments, deployment events, review requests, API keys. */

const NAME_PATTERN = '^[A-Za-z0-9](?:[A-Za-z0-9._-]|/(?=[A-Za-z0-9._-]))*$';
export const promptNameSchema = string(
  'Letters, digits, `-`, `_`, `.` and `/` (not leading, trailing or doubled), at most 200 characters. In paths, `/` is sent as `%2F`.',
  { pattern: NAME_PATTERN, maxLength: 200 },
);
export const environmentNameSchema = string('Environment name, at most 64 characters, same alphabet as prompt names.', {
  pattern: NAME_PATTERN,
  maxLength: 64,
});
export const versionNumberSchema = integer('Version number, from 1.', { minimum: 1 });
export const reasonSchema = string('Why (at most 1000 characters).', { maxLength: 1000 });
export const canaryPercentSchema = number('Share of traffic for the candidate, greater than 0 and less than 100.', {
  exclusiveMinimum: 0,
  exclusiveMaximum: 100,
});
const message: Schema = object(
  {
    role: string('', { enum: MESSAGE_ROLES }),
    content: {
      anyOf: [string('Text with `{{variable}}` placeholders.'), arrayOf(freeObject(), 'Structured content parts.')],
    },
    name: string(),
  },
  ['name'],
);

/** The fields that make up a version's content (request side: defaults apply to the optional ones). */
export const snapshotFields: Record<string, Schema> = {
  provider: string('Model provider, e.g. `openai`.', { maxLength: 100 }),
  model: string('Model name.', { maxLength: 200 }),
  settings: freeObject(
    'temperature, maxTokens, topP, frequencyPenalty, presencePenalty, stop, seed, and any other setting.',
  ),
  messages: arrayOf(message, 'At least one message.'),
  variables: arrayOf(
    {
      anyOf: [
        string('A variable name.'),
        object({ name: string(), description: string(), required: boolean(), default: string() }, [
          'description',
          'required',
          'default',
        ]),
      ],
    },
    'Variable names or objects; names are unique.',
  ),
  tools: arrayOf(freeObject(), 'Tool definitions.'),
  responseSchema: nullable(freeObject('JSON schema of the response.')),
  mcpServers: arrayOf(freeObject('MCP server configuration; `name` is required.')),
  metadata: freeObject('Free metadata.'),
};

export const versionInputSchema: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['provider', 'model', 'messages'],
  properties: { ...snapshotFields, commitMessage: string('At most 2000 characters.', { maxLength: 2000 }) },
};

const canaryState = object({
  version: integer(),
  percent: number(),
  deploymentId: string('The `canary_start` event that set the current percentage.'),
  startedAt: time(),
  reviewed: boolean(
    'Started through an approved review or by an admin: in a protected environment a deployer may then re-weight or promote it.',
  ),
});

const entryChange = object({
  key: string(),
  change: string('', { enum: ['added', 'removed', 'changed'] }),
  from: {},
  to: {},
});
const valueChange = nullable(object({ from: {}, to: {} }));

export const registrySchemas: Record<string, Schema> = {
  Prompt: object({
    id: string(),
    name: promptNameSchema,
    description: string(),
    tags: arrayOf(string(), 'Free labels such as `team:billing` or `owner:alice`; overviews filter by them.'),
    createdAt: time(),
    createdBy: string(),
    updatedAt: time(),
    latestVersion: nullable(integer()),
    deployments: arrayOf(
      object({
        environment: string(),
        version: nullable(integer('The stable version; null while nothing is deployed.')),
        deploymentId: nullable(string('The event that made `version` live.')),
        since: nullable(time()),
        canary: nullable(canaryState),
        latestDeploymentId: nullable(string('The lane’s newest event: pass it as `expectedDeploymentId`.')),
      }),
      'What is live in each environment where the prompt was ever deployed.',
    ),
  }),
  PromptVersion: {
    type: 'object',
    description: 'An immutable version: its content at the top level beside its identity and provenance.',
    required: [
      ...Object.keys(snapshotFields),
      'id',
      'prompt',
      'version',
      'contentHash',
      'commitMessage',
      'author',
      'createdAt',
    ],
    properties: {
      id: string(),
      prompt: string(),
      version: integer(),
      ...snapshotFields,
      contentHash: string('`sha256:<hex>` over the canonical JSON of the content.'),
      commitMessage: string(),
      author: string('Name of the API key that created it.'),
      createdAt: time(),
    },
  },
  VersionDiff: object({
    prompt: string(),
    from: object({ version: integer(), environment: nullable(string('Set when `from` named an environment.')) }),
    to: object({ version: integer(), environment: nullable(string()) }),
    identical: boolean(),
    changes: object({
      provider: valueChange,
      model: valueChange,
      settings: arrayOf(entryChange),
      messages: arrayOf(
        object({
          index: integer(),
          change: string('', { enum: ['added', 'removed', 'changed', 'unchanged'] }),
          from: nullable(message),
          to: nullable(message),
          lines: arrayOf(object({ op: string('', { enum: ['equal', 'add', 'remove'] }), text: string() })),
        }),
      ),
      variables: arrayOf(entryChange),
      tools: arrayOf(entryChange),
      responseSchema: valueChange,
      mcpServers: arrayOf(entryChange),
      metadata: arrayOf(entryChange),
    }),
  }),
  Resolution: object({
    prompt: string(),
    environment: string(),
    arm: string(
      'Where this caller’s version comes from: `stable`, `canary` (a canary or ramp step in progress), `rule:<name>` (a targeting rule), `test:<name>` (an A/B test). Runtime clients tag their spans with it (`tracelane.prompt.arm`).',
    ),
    why: string(
      'Why this caller gets this version, in words (the rule and its conditions, the test, the canary share).',
    ),
    version: integer('The version to use.'),
    deploymentId: string(
      'The deployment event, targeting revision or A/B test that put this version here for this arm.',
    ),
    stableVersion: integer(),
    canary: nullable(object({ version: integer(), percent: number(), deploymentId: string() })),
    targeting: nullable(object({ revision: integer(), rules: integer() }, [], 'Targeting rules in effect.')),
    test: nullable(
      object(
        { id: string(), name: string(), versions: arrayOf(integer()), percent: number() },
        [],
        'The A/B test running.',
      ),
    ),
    variesBy: object(
      { key: boolean(), attributes: arrayOf(string()) },
      [],
      'What answers depend on: the key, and these `attr.` attributes. Clients ask again per distinct caller.',
    ),
    snapshot: ref('PromptVersion'),
  }),
  Policies: object({
    autoRollback: boolean('Roll back a deployment judged `fail` automatically.'),
    autoPromote: boolean('Promote a canary that passes its bake window automatically.'),
    canary: object({ percent: canaryPercentSchema, bakeMinutes: integer('', { minimum: 1, maximum: 10080 }) }),
    detector: freeObject('Regression-detector overrides (see the analysis documentation).'),
    defaultStrategy: nullable(ref('Strategy')),
    releaseGate: nullable(
      object(
        {
          dataset: string('The dataset a version must pass before it serves here.'),
          maxDrop: number('How much a category may lose (pass rate or mean score, 0–1) before the gate refuses.', {
            minimum: 0,
            maximum: 1,
          }),
        },
        [],
        'Requires a passing experiment: a version newly served here (deploy, canary, external deployment, approval) needs a finished run on `dataset` whose categories, against the version live here, neither regressed significantly nor dropped by more than `maxDrop`; else 409. Rollbacks are never gated. Null: no gate.',
      ),
    ),
  }),
  Environment: object({
    id: string(),
    name: string(),
    order: integer('Display order.'),
    primary: boolean(),
    protected: boolean(
      'A version that never served here needs review: deploys, canaries, external deployments and promotions of unreviewed canaries by a `deployer` key become review requests; rollbacks (which only restore versions live here before) stay immediate.',
    ),
    policies: ref('Policies'),
    updatedAt: time(),
  }),
  DeploymentEvent: object({
    id: string(),
    time: time('When the change took effect (for `external`, the reported time).'),
    prompt: string(),
    environment: string(),
    kind: string(
      '`version` is the version live after the event, except for `canary_start` (the candidate; `previousVersion` stays stable) and `canary_abort` (the stable version; `previousVersion` is the withdrawn candidate).',
      { enum: DEPLOYMENT_KINDS },
    ),
    version: integer(),
    previousVersion: nullable(integer()),
    canaryPercent: nullable(number()),
    actor: string('Name of the API key that recorded the event (`auto-rollback` for automatic rollbacks).'),
    reason: string(),
    requestId: nullable(string('The review request whose approval performed this deployment.')),
    externalActor: nullable(string('For `external`: who deployed, as reported.')),
    authorization: nullable(
      string(
        'What allowed the change: `review` (an approved request), `unprotected` (the environment is not protected), `restore` (a version that served here before, or a canary abort), `reviewed_canary` (re-weight or promotion of a reviewed canary), `admin` (an admin key skipped the review). Null for events recorded before this was kept.',
        { enum: AUTHORIZATIONS },
      ),
    ),
    rampId: nullable(string('The ramp this event belongs to: the id of its first step.')),
    rampStep: nullable(integer('The ramp step (0-based) the event starts or belongs to.')),
    strategy: nullable(ref('Strategy')),
    recordedAt: time('When Tracelane recorded the event.'),
    gateRunId: nullable(
      string('The experiment run the release gate read (release-gate policy); null when no gate applied.'),
    ),
    gateOverride: nullable(
      string('The reason an admin gave to deploy although the release gate refused (`gateOverride`); null otherwise.'),
    ),
  }),
  DeploymentRequest: object({
    id: string(),
    kind: string('What the approval performs: a deploy (or canary), or the recording of an external deployment.', {
      enum: REQUEST_KINDS,
    }),
    prompt: string(),
    environment: string(),
    version: integer(),
    canaryPercent: nullable(number()),
    externalTime: nullable(time('For `external`: when it happened.')),
    externalActor: nullable(string('For `external`: who deployed, as reported.')),
    strategy: nullable(ref('Strategy')),
    reason: string(),
    status: string('', { enum: REQUEST_STATUSES }),
    requestedBy: string(),
    requestedAt: time(),
    reviewedBy: nullable(string()),
    reviewComment: nullable(string()),
    reviewedAt: nullable(time()),
    deploymentId: nullable(string('The deployment its approval recorded.')),
    updatedAt: time(),
  }),
  StaleDeployment: {
    description: 'A stale `expectedDeploymentId`: the error, and the lane’s current deployment to re-read.',
    allOf: [ref('Error'), object({ current: nullable(ref('DeploymentEvent')) })],
  },
  ApiKey: object({
    id: string(),
    name: string('Recorded as the actor of everything the key does.'),
    role: string('', { enum: ROLES }),
    createdAt: time(),
    createdBy: string(),
    revokedAt: nullable(time()),
    revokedBy: nullable(string()),
  }),
};
