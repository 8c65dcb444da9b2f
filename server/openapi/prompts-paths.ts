import {
  arrayOf,
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
  type Feature,
} from './openapi-helpers.js';
import { promptNameSchema, registrySchemas, versionInputSchema } from './registry-schemas.js';

const tag = 'prompts';
const op = taggedOperation(tag);

const name = pathParam('name', 'Prompt name (`/` encoded as `%2F`).');
const promptTags = arrayOf(
  string('1–64 characters: letters, digits, `-`, `_`, `.`, `/`, `:`, `@`.'),
  'At most 20 tags (e.g. `team:billing`, `owner:alice`); replaces the previous tags.',
);

export const promptsFeature: Feature = {
  tag: {
    name: tag,
    description:
      'Immutable prompt versions, structured diffs, and runtime resolution (with sticky canary assignment and ETags).',
  },
  schemas: registrySchemas,
  paths: {
    '/api/v1/prompts': {
      post: op({
        id: 'createPrompt',
        role: 'deployer',
        summary: 'Create a prompt',
        body: jsonBody(
          input({ name: promptNameSchema, description: string('At most 2000 characters.'), tags: promptTags }, [
            'name',
          ]),
        ),
        responses: { 201: json('The prompt.', ref('Prompt')) },
        errors: [400, 409],
      }),
      get: op({
        id: 'listPrompts',
        summary: 'List prompts with their latest version and what is deployed where',
        params: [
          query('search', 'Name substring (case-insensitive).'),
          query('environment', 'Only prompts ever deployed to this environment.'),
          ...pageParams,
        ],
        responses: {
          200: json(
            'A page of prompts, by name, and how many match in all.',
            object({ prompts: arrayOf(ref('Prompt')), total: integer('Prompts matching the filter.') }),
          ),
        },
        errors: [400],
      }),
    },
    '/api/v1/prompts/{name}': {
      get: op({
        id: 'getPrompt',
        summary: 'One prompt with what is deployed where',
        params: [name],
        responses: { 200: json('The prompt.', ref('Prompt')) },
        errors: [404],
      }),
      patch: op({
        id: 'updatePrompt',
        role: 'deployer',
        summary: 'Change a prompt’s description or tags (versions never change)',
        params: [name],
        body: jsonBody(input({ description: string('At most 2000 characters.'), tags: promptTags }, [])),
        responses: { 200: json('The prompt.', ref('Prompt')) },
        errors: [400, 404],
      }),
    },
    '/api/v1/prompts/{name}/versions': {
      post: op({
        id: 'createVersion',
        role: 'deployer',
        summary: 'Create a version (201), or get the latest one back when its content is the same (200)',
        params: [name],
        body: jsonBody(versionInputSchema),
        responses: {
          201: json('The new version.', ref('PromptVersion')),
          200: json('The latest version, whose content equals the request.', ref('PromptVersion')),
        },
        errors: [400, 404],
      }),
      get: op({
        id: 'listVersions',
        summary: 'Versions of a prompt, newest first',
        params: [name, ...pageParams],
        responses: { 200: json('Versions.', object({ versions: arrayOf(ref('PromptVersion')) })) },
        errors: [400, 404],
      }),
    },
    '/api/v1/prompts/{name}/versions/{version}': {
      get: op({
        id: 'getVersion',
        summary: 'One version',
        params: [name, pathParam('version', 'Version number.')],
        responses: { 200: json('The version.', ref('PromptVersion')) },
        errors: [400, 404],
      }),
    },
    '/api/v1/prompts/{name}/diff': {
      get: op({
        id: 'diffVersions',
        summary: 'Structured diff of two versions',
        description: '`from` and `to` take a version number or an environment name (its deployed stable version).',
        params: [
          name,
          query('from', 'Version number or environment name.', { type: 'string' }, true),
          query('to', 'Version number or environment name.', { type: 'string' }, true),
        ],
        responses: { 200: json('The diff.', ref('VersionDiff')) },
        errors: [400, 404],
      }),
    },
    '/api/v1/prompts/{name}/resolve': {
      get: op({
        id: 'resolvePrompt',
        summary: 'What a runtime calls: the deployed version and its full snapshot',
        description:
          'With a canary in progress, `key` gives a sticky assignment (same key → same arm; the share of keys on the candidate matches the percentage). Answers with an `ETag` and `Cache-Control: no-cache`; a matching `If-None-Match` gets 304.',
        params: [
          name,
          query('environment', 'Environment name.', { type: 'string' }, true),
          query('key', 'Sticky assignment key (user, session or tenant id), at most 256 characters.'),
          { name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } },
        ],
        responses: {
          200: json('The resolution.', ref('Resolution'), { ETag: { schema: { type: 'string' } } }),
          304: { description: 'Unchanged since the ETag in `If-None-Match`.' },
        },
        errors: [400, 404],
      }),
    },
  },
};
