import { request, requestBlob } from './api.js';
import type {
  Dataset,
  DatasetItem,
  DatasetVersion,
  ImportLineError,
  ItemResult,
  ModelConnection,
  RunComparison,
  RunSummary,
  StoredEvaluator,
} from './api-types.js';

/**
 * The typed endpoints of datasets, evaluators, model connections and experiments, over the one HTTP core in
 * api.ts (same key, same errors).
 */
const enc = encodeURIComponent;

export interface ItemBody {
  input: Record<string, unknown>;
  expected: unknown;
  category: string;
  metadata?: Record<string, unknown>;
}

export interface ImportAnswer {
  valid: number;
  invalid: number;
  stored: boolean;
  errors: ImportLineError[];
  preview?: { line: number; item: ItemBody & { id?: string } }[];
  version?: number;
}

export interface StartRun {
  prompt: string;
  version: number;
  dataset: string;
  baselineVersion?: number;
  connection?: string;
  evaluators: string[];
}

export interface ConnectionBody {
  name: string;
  kind: 'openai' | 'anthropic';
  baseUrl?: string;
  secretEnv?: string;
  secret?: string;
  maxConcurrency: number;
  requestsPerMinute: number;
  timeoutMs: number;
  maxRetries: number;
}

export const evaluationApi = {
  datasets: async (signal?: AbortSignal) =>
    (await request<{ datasets: Dataset[] }>('GET', '/datasets', { signal })).datasets,
  dataset: (name: string, signal?: AbortSignal) =>
    request<Dataset & { versions: DatasetVersion[] }>('GET', `/datasets/${enc(name)}`, { signal }),
  createDataset: (name: string, description: string) =>
    request<Dataset>('POST', '/datasets', { body: { name, description } }),
  items: (name: string, signal?: AbortSignal) =>
    request<{ version: number; items: DatasetItem[] }>('GET', `/datasets/${enc(name)}/items`, { signal }),
  addItem: (name: string, item: ItemBody) =>
    request('POST', `/datasets/${enc(name)}/items`, { body: { items: [item] } }),
  editItem: (name: string, id: string, item: ItemBody) =>
    request('PUT', `/datasets/${enc(name)}/items/${enc(id)}`, { body: item }),
  deleteItem: (name: string, id: string) => request('DELETE', `/datasets/${enc(name)}/items/${enc(id)}`),
  importItems: (name: string, format: 'jsonl' | 'csv', text: string, dryRun: boolean) =>
    request<ImportAnswer>('POST', `/datasets/${enc(name)}/import`, { query: { format, dryRun: String(dryRun) }, text }),
  exportItems: (name: string, format: 'jsonl' | 'csv') =>
    requestBlob(`/datasets/${enc(name)}/export`, { query: { format } }),

  evaluators: async (signal?: AbortSignal) =>
    (await request<{ evaluators: (StoredEvaluator & { scoreKind: string })[] }>('GET', '/evaluators', { signal }))
      .evaluators,
  createEvaluator: (name: string, config: unknown) => request('POST', '/evaluators', { body: { name, config } }),

  connections: async (signal?: AbortSignal) =>
    (await request<{ connections: ModelConnection[] }>('GET', '/connections', { signal })).connections,
  createConnection: (body: ConnectionBody) => request<ModelConnection>('POST', '/connections', { body }),
  deleteConnection: (name: string) => request('DELETE', `/connections/${enc(name)}`),
  testConnection: (name: string, model: string) =>
    request<{ ok: boolean; latencyMs: number; output?: string; error?: { kind: string; message: string } }>(
      'POST',
      `/connections/${enc(name)}/test`,
      { body: { model } },
    ),

  runs: async (signal?: AbortSignal) => (await request<{ runs: RunSummary[] }>('GET', '/experiments', { signal })).runs,
  run: (id: string, signal?: AbortSignal) => request<RunSummary>('GET', `/experiments/${enc(id)}`, { signal }),
  startRun: (body: StartRun) => request<RunSummary & { baseline: RunSummary | null }>('POST', '/experiments', { body }),
  cancelRun: (id: string) => request<RunSummary>('POST', `/experiments/${enc(id)}/cancel`),
  results: async (id: string, signal?: AbortSignal) =>
    (await request<{ results: ItemResult[] }>('GET', `/experiments/${enc(id)}/results`, { signal })).results,
  comparison: (id: string, signal?: AbortSignal) =>
    request<{ complete: boolean; baselineRunId: string; comparison: RunComparison }>(
      'GET',
      `/experiments/${enc(id)}/comparison`,
      { signal },
    ),
};
