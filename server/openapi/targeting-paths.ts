import {
  arrayOf,
  input,
  integer,
  json,
  jsonBody,
  number,
  object,
  pathParam,
  query,
  ref,
  string,
  taggedOperation,
  time,
  type Feature,
} from './openapi-helpers.js';
import { environmentNameSchema, reasonSchema } from './registry-schemas.js';

const tag = 'targeting';
const op = taggedOperation(tag);
const name = pathParam('name', 'Prompt name (`/` encoded as `%2F`).');
const environment = query('environment', 'Environment name.', environmentNameSchema, true);

const condition = {
  oneOf: [
    object({ attribute: string(), op: string('', { const: 'equals' }), value: string('', { maxLength: 256 }) }),
    object({ attribute: string(), op: string('', { const: 'in' }), values: arrayOf(string('', { maxLength: 256 })) }),
    object({ attribute: string(), op: string('', { const: 'prefix' }), value: string('', { maxLength: 256 }) }),
  ],
  description:
    '`attribute` is `key` (the resolve key) or an attribute name sent as `attr.<name>`; `in` lists up to 500 values.',
};

export const targetingFeature: Feature = {
  tag: {
    name: tag,
    description:
      'Targeting rules send a segment of callers to a version before any percentage split: matched in resolve on the key and the attributes a runtime sends (`attr.<name>=`), first match wins, the answer’s `arm` is `rule:<name>` with `why`. Each change is a new revision with its actor and reason. In a protected environment a rule may send traffic only to versions that have served there, unless an admin sets it (403 `review_required`).',
  },
  schemas: {
    TargetingRule: object(
      {
        name: string('Lower-case letters, digits, `. _ -`, at most 64; unique in the list.'),
        description: string('At most 500 characters.'),
        when: arrayOf(condition, 'All must hold (none: everyone); at most 10.'),
        version: integer('The version the segment gets.'),
        percent: number('Share of the segment sent to `version` (sticky per key), default 100.', {
          exclusiveMinimum: 0,
          maximum: 100,
        }),
      },
      ['description', 'when', 'percent'],
    ),
    RuleRevision: object({
      id: string('Empty for revision 0 (no rules yet).'),
      prompt: string(),
      environment: string(),
      revision: integer(),
      rules: arrayOf(ref('TargetingRule')),
      actor: string(),
      reason: string(),
      time: time(),
    }),
  },
  paths: {
    '/api/v1/prompts/{name}/targeting': {
      get: op({
        id: 'getTargeting',
        summary: 'The targeting rules in effect for a prompt in an environment',
        params: [name, environment],
        responses: { 200: json('The current revision (revision 0 when there never were rules).', ref('RuleRevision')) },
        errors: [400, 404],
      }),
      put: op({
        id: 'setTargeting',
        role: 'deployer',
        summary: 'Replace the targeting rules (a new revision)',
        params: [name],
        body: jsonBody(
          input(
            {
              environment: environmentNameSchema,
              rules: arrayOf(ref('TargetingRule'), 'Evaluated in order; at most 50.'),
              reason: reasonSchema,
              expectedRevision: integer('The revision the caller last saw; stale → 409 with `current`.'),
            },
            ['environment', 'rules'],
          ),
        ),
        responses: {
          201: json('The new revision.', ref('RuleRevision')),
          200: json('The same rules again: nothing recorded.', ref('RuleRevision')),
        },
        errors: [400, 404, 409],
      }),
    },
    '/api/v1/prompts/{name}/targeting/history': {
      get: op({
        id: 'targetingHistory',
        summary: 'Every revision of the targeting rules, newest first',
        params: [
          name,
          environment,
          query('limit', '1–1000 (default 100).', { type: 'integer', minimum: 1, maximum: 1000 }),
        ],
        responses: { 200: json('Revisions.', object({ revisions: arrayOf(ref('RuleRevision')) })) },
        errors: [400, 404],
      }),
    },
  },
};
