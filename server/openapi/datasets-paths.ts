import {
  arrayOf,
  boolean,
  freeObject,
  input,
  integer,
  json,
  jsonBody,
  object,
  pathParam,
  query,
  ref,
  string,
  taggedOperation,
  time,
  type Feature,
} from './openapi-helpers.js';

const tag = 'datasets';
const op = taggedOperation(tag);
const name = pathParam('name', 'Dataset name (`/` encoded as `%2F`).');
const versionParam = query('version', 'A dataset version (default: the latest).', { type: 'integer', minimum: 1 });
const anyJson = { description: 'Free text as a string, or any JSON value; null for none.' };

const itemInput = input(
  {
    id: string('Item id (letters, digits, `.`, `_`, `:`, `-`); generated when absent; an existing id is replaced.'),
    input: freeObject('The variables the prompt is rendered with.'),
    expected: anyJson,
    category: string('E.g. the team; results are compared per category.'),
    metadata: freeObject(),
  },
  ['input'],
);
const change = json(
  'The new dataset version and the ids it wrote.',
  object({ version: integer(), ids: arrayOf(string()) }),
);
const importAnswer = object(
  {
    valid: integer('Lines read as items.'),
    invalid: integer('Lines rejected.'),
    errors: arrayOf(
      object({ line: integer(), message: string() }),
      'Every rejected line with its reason (first 1000).',
    ),
    stored: boolean('false for a dry run (or when no line was valid).'),
    preview: arrayOf(object({ line: integer(), item: freeObject() }), 'Dry run: the first 50 items read.'),
    version: integer('The dataset version the import wrote.'),
  },
  ['preview', 'version'],
);

export const datasetsFeature: Feature = {
  tag: {
    name: tag,
    description:
      'Named, versioned lists of labelled items. Every change appends a dataset version (append-only storage); experiments run on a version.',
  },
  schemas: {
    Dataset: object({
      name: string(),
      description: string(),
      version: integer('The latest version (0 before any item).'),
      items: integer('Items at the latest version.'),
      createdAt: time(),
      createdBy: string(),
      updatedAt: time(),
    }),
    DatasetItem: object({
      id: string(),
      input: freeObject(),
      expected: anyJson,
      category: string(),
      metadata: freeObject(),
      source: string('`api`, `import` or `trace:<traceId>`.'),
      version: integer('The dataset version that last changed it.'),
      createdAt: time(),
    }),
  },
  paths: {
    '/api/v1/datasets': {
      get: op({
        id: 'listDatasets',
        summary: 'Datasets with their latest version and size',
        responses: { 200: json('Datasets by name.', object({ datasets: arrayOf(ref('Dataset')) })) },
      }),
      post: op({
        id: 'createDataset',
        role: 'deployer',
        summary: 'Create a dataset, optionally with its first items',
        body: jsonBody(input({ name: string(), description: string(), items: arrayOf(itemInput) }, ['name'])),
        responses: { 201: json('The dataset.', ref('Dataset')) },
        errors: [400, 409],
      }),
    },
    '/api/v1/datasets/{name}': {
      get: op({
        id: 'getDataset',
        summary: 'A dataset and its versions (newest first)',
        params: [name],
        responses: {
          200: json('The dataset.', {
            allOf: [
              ref('Dataset'),
              object({
                versions: arrayOf(
                  object({
                    version: integer(),
                    message: string(),
                    itemsChanged: integer(),
                    actor: string(),
                    createdAt: time(),
                  }),
                ),
              }),
            ],
          }),
        },
        errors: [404],
      }),
    },
    '/api/v1/datasets/{name}/items': {
      get: op({
        id: 'listDatasetItems',
        summary: 'The items of a dataset version, by id',
        params: [name, versionParam],
        responses: {
          200: json('Items.', object({ dataset: string(), version: integer(), items: arrayOf(ref('DatasetItem')) })),
        },
        errors: [400, 404],
      }),
      post: op({
        id: 'addDatasetItems',
        role: 'deployer',
        summary: 'Add or replace items (one new version)',
        params: [name],
        body: jsonBody(input({ items: arrayOf(itemInput), message: string() }, ['items'])),
        responses: { 201: change },
        errors: [400, 404],
      }),
    },
    '/api/v1/datasets/{name}/items/{id}': {
      put: op({
        id: 'editDatasetItem',
        role: 'deployer',
        summary: 'Edit an item (one new version)',
        params: [name, pathParam('id', 'Item id.')],
        body: jsonBody(
          input({ input: freeObject(), expected: anyJson, category: string(), metadata: freeObject() }, ['input']),
        ),
        responses: { 200: change },
        errors: [400, 404],
      }),
      delete: op({
        id: 'deleteDatasetItem',
        role: 'deployer',
        summary: 'Delete an item (one new version; earlier versions keep it)',
        params: [name, pathParam('id', 'Item id.')],
        responses: { 200: change },
        errors: [404],
      }),
    },
    '/api/v1/datasets/{name}/items/from-trace': {
      post: op({
        id: 'addDatasetItemFromTrace',
        role: 'deployer',
        summary: "Add an item from a production trace: its generation span's variables and output",
        description:
          'Variables are read from `tracelane.prompt.variables`, `gen_ai.prompt.variables`, `llm.prompt_template.variables` (JSON objects) or `traceloop.prompt.template_variables.*`; the output from `gen_ai.output.messages` and the other content conventions. Without `expected`, the output becomes the expected output.',
        params: [name],
        body: jsonBody(
          input({ traceId: string(), spanId: string(), category: string(), expected: anyJson }, ['traceId']),
        ),
        responses: {
          201: json(
            'The version and the item.',
            object({ version: integer(), ids: arrayOf(string()), item: freeObject() }),
          ),
        },
        errors: [400, 404],
      }),
    },
    '/api/v1/datasets/{name}/import': {
      post: op({
        id: 'importDatasetItems',
        role: 'deployer',
        summary: 'Import a JSONL or CSV file (the raw file as the body, up to 20 MB)',
        description:
          'Each line is checked on its own: a bad line is reported with its number and reason and rejects nothing else. CSV: a header row; `id`, `category`, `expected` (text, or JSON when it holds an object or array), `metadata` (JSON object) and `input` (JSON object) have their meaning, every other column is an input variable. JSONL: one item object per line. `dryRun=true` answers the preview and stores nothing.',
        params: [
          name,
          query('format', '`jsonl` or `csv`.', { type: 'string', enum: ['jsonl', 'csv'] }, true),
          query('dryRun', '`true`: preview only.', { type: 'string', enum: ['true', 'false'] }),
        ],
        body: {
          required: true,
          content: {
            'text/csv': { schema: string() },
            'application/x-ndjson': { schema: string() },
            'text/plain': { schema: string() },
          },
        },
        responses: { 200: json('The preview (dry run).', importAnswer), 201: json('The import.', importAnswer) },
        errors: [400, 404],
      }),
    },
    '/api/v1/datasets/{name}/export': {
      get: op({
        id: 'exportDataset',
        summary: 'Export a dataset version as JSONL or CSV (the import formats)',
        params: [
          name,
          query('format', '`jsonl` (default) or `csv`.', { type: 'string', enum: ['jsonl', 'csv'] }),
          versionParam,
        ],
        responses: {
          200: {
            description: 'The file (Content-Disposition: attachment).',
            content: { 'application/x-ndjson': { schema: string() }, 'text/csv': { schema: string() } },
          },
        },
        errors: [400, 404],
      }),
    },
  },
};
