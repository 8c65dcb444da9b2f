import {
  arrayOf,
  input,
  integer,
  json,
  jsonBody,
  nullable,
  object,
  pathParam,
  query,
  ref,
  string,
  taggedOperation,
  time,
  type Feature,
} from './openapi-helpers.js';
import { snapshotFields } from './registry-schemas.js';

const tag = 'drafts';
const op = taggedOperation(tag);

const name = pathParam('name', 'Prompt name (`/` encoded as `%2F`).');
const author = pathParam('author', 'The draft’s author: the name of the API key that writes it (`/` as `%2F`).');
const revision = integer('The revision you last saw (0: no draft). If the draft moved since, 409 with `current`.', {
  minimum: 0,
});
const summaryFields = {
  prompt: string(),
  author: string('Name of the API key that writes the draft.'),
  revision: integer('Increases with every save.'),
  baseVersion: nullable(integer('The version the draft started from.')),
  updatedAt: time('When it was last saved.'),
};
const stale = {
  409: json('The draft moved since `revision`: the error and the current draft (null: none).', {
    allOf: [ref('Error'), object({ current: nullable(ref('Draft')) })],
  }),
};

export const draftsFeature: Feature = {
  tag: {
    name: tag,
    description:
      'Drafts: the editable state of a prompt, one per prompt and author, saved as the author types (an append-only history of saves), visible to others ("being edited by …"), and saved as an immutable version with a commit message. A draft may be incomplete; it is checked like a version only when it is saved as one.',
  },
  schemas: {
    DraftSummary: object(summaryFields),
    Draft: object({ ...summaryFields, commitMessage: string('The commit message being written.'), ...snapshotFields }),
  },
  paths: {
    '/api/v1/drafts': {
      get: op({
        id: 'listDrafts',
        summary: 'Drafts being edited, most recently saved first',
        params: [
          query('prompt', 'Only drafts of this prompt.'),
          query('author', 'Only drafts of this author.'),
          query('limit', 'At most this many, 1–1000 (default 500).', { type: 'integer', minimum: 1, maximum: 1000 }),
        ],
        responses: { 200: json('Drafts, without content.', object({ drafts: arrayOf(ref('DraftSummary')) })) },
        errors: [400],
      }),
    },
    '/api/v1/prompts/{name}/drafts': {
      get: op({
        id: 'listPromptDrafts',
        summary: 'Who is editing a draft of this prompt',
        params: [name],
        responses: { 200: json('Drafts, without content.', object({ drafts: arrayOf(ref('DraftSummary')) })) },
        errors: [404],
      }),
    },
    '/api/v1/prompts/{name}/drafts/{author}': {
      get: op({
        id: 'getDraft',
        summary: 'One author’s draft of a prompt',
        params: [name, author],
        responses: { 200: json('The draft.', ref('Draft')) },
        errors: [404],
      }),
      put: op({
        id: 'saveDraft',
        role: 'deployer',
        summary: 'Save your draft (autosave): creates it, or records its next revision',
        description:
          'Only the author (the key whose name is `author`) writes its draft. The content has the fields and bounds of a version, but provider, model and messages may still be missing.',
        params: [name, author],
        body: jsonBody({
          type: 'object',
          additionalProperties: false,
          properties: {
            ...snapshotFields,
            commitMessage: string('At most 2000 characters.', { maxLength: 2000 }),
            baseVersion: nullable(integer('The version the draft started from (kept when omitted).', { minimum: 1 })),
            revision,
          },
        }),
        responses: { 200: json('The saved draft.', ref('Draft')), ...stale },
        errors: [400, 404],
      }),
      delete: op({
        id: 'discardDraft',
        role: 'deployer',
        summary: 'Discard a draft (the author, or an admin for an abandoned one)',
        params: [name, author, query('revision', 'The revision you last saw; 409 if the draft moved since.')],
        responses: { 204: { description: 'Discarded.' }, ...stale },
        errors: [404],
      }),
    },
    '/api/v1/prompts/{name}/drafts/{author}/publish': {
      post: op({
        id: 'publishDraft',
        role: 'deployer',
        summary: 'Save your draft as an immutable version (201), or get the latest version back when equal (200)',
        description:
          'The draft is checked like `POST /prompts/{name}/versions` (400 naming the field; the draft then stays). On success the draft is closed.',
        params: [name, author],
        body: jsonBody(
          input(
            { commitMessage: string('Default: the draft’s own commit message.', { maxLength: 2000 }), revision },
            [],
          ),
          false,
        ),
        responses: {
          201: json('The new version.', ref('PromptVersion')),
          200: json('The latest version, whose content equals the draft.', ref('PromptVersion')),
          ...stale,
        },
        errors: [400, 404],
      }),
    },
  },
};
