import { ApiError, errorFromResponse, networkError } from './api-error.js';
import { loadKey, type KeyStorage } from './api-key.js';
import type {
  AnalysisSummary,
  Comparison,
  DeliveryAttempt,
  Draft,
  DraftSnapshot,
  DraftSummary,
  EnvironmentChange,
  PolicyDefaults,
  PromptComparison,
  RenderedPrompt,
  ReviewEvidence,
  StoredKey,
  Webhook,
  DeploymentAnalysis,
  DeploymentEvent,
  DeploymentRequest,
  Environment,
  Me,
  Overview,
  PromptOverview,
  PromptVersion,
  Regression,
  Timeseries,
  Trace,
  TracePage,
  VersionDiff,
} from './api-types.js';
import { queryString, type Query } from './route.js';

/**
 * The one place the UI talks HTTP. Every request carries the signed-in API key; a 401 tells the session to ask
 * for a key (see session.svelte.ts). The typed endpoints follow the core below.
 */
export const API_BASE = '/api/v1';

let unauthorizedHandler: (error: ApiError) => void = () => {};

/** Called with every 401 answer, so the app can show the sign-in form. */
export function onUnauthorized(handler: (error: ApiError) => void): void {
  unauthorizedHandler = handler;
}

function browserStorage(): KeyStorage | undefined {
  return typeof localStorage === 'undefined' ? undefined : { local: localStorage, session: sessionStorage };
}

export function currentKey(): string | undefined {
  const storage = browserStorage();
  return storage ? loadKey(storage) : undefined;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** A text body sent as it is (a JSONL or CSV file), instead of a JSON body. */
  text?: string;
  accept?: string;
  signal?: AbortSignal;
}

async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
  const key = currentKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.text !== undefined) headers['Content-Type'] = 'text/plain; charset=utf-8';
  let response: Response;
  try {
    response = await fetch(API_BASE + path + queryString(options.query), {
      method,
      headers,
      body: options.text ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw networkError(cause);
  }
  if (!response.ok) {
    const error = errorFromResponse(response.status, response.statusText, await response.text());
    if (error.unauthorized) unauthorizedHandler(error);
    throw error;
  }
  return response;
}

/** A JSON request; the parsed body of a 2xx answer. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(method, path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A request whose answer is downloaded as a file (CSV). */
export async function requestBlob(path: string, options: RequestOptions): Promise<Blob> {
  return (await send('GET', path, options)).blob();
}

/**
 * The live event stream's URL. EventSource cannot send headers, so a short-lived, read-only stream token goes in the
 * URL (`api.streamToken()`, obtained with the key in a header) — never the key itself, which proxies would log.
 */
export function eventsUrl(token: string, lastEventId?: string): string {
  return API_BASE + '/events' + queryString({ token, lastEventId });
}

// ---- Typed endpoints ---------------------------------------------------------------------------------------

const enc = encodeURIComponent;
const iso = (ms: number) => new Date(ms).toISOString();

export interface WindowQuery {
  from: number;
  to: number;
}

export interface DeploymentFilter extends Partial<WindowQuery> {
  prompt?: string;
  environment?: string;
  kind?: string;
  limit?: number;
}

export interface TraceFilter extends WindowQuery {
  environment?: string;
  prompt?: string;
  version?: string;
  model?: string;
  status?: 'ok' | 'error';
  minDurationMs?: number;
  maxDurationMs?: number;
  minCostUsd?: number;
  maxCostUsd?: number;
  /** Attribute conditions (`key=value`, `key`, `key>n` …), all of which one span must meet. */
  attr?: readonly string[];
  /** Text inside captured prompts and completions. */
  q?: string;
  limit?: number;
  cursor?: string;
}

export const api = {
  me: () => request<Me>('GET', '/me'),

  environments: async (signal?: AbortSignal) =>
    (await request<{ environments: Environment[] }>('GET', '/environments', { signal })).environments,

  prompts: async (signal?: AbortSignal) =>
    (await request<{ prompts: PromptOverview[] }>('GET', '/prompts', { query: { limit: 1000 }, signal })).prompts,

  /** One page of prompts by name, with how many match. */
  promptPage: (q: { search?: string; environment?: string; limit: number; offset: number }, signal?: AbortSignal) =>
    request<{ prompts: PromptOverview[]; total: number }>('GET', '/prompts', { query: { ...q }, signal }),

  createPrompt: (body: { name: string; description: string }) => request<PromptOverview>('POST', '/prompts', { body }),

  prompt: (name: string, signal?: AbortSignal) => request<PromptOverview>('GET', `/prompts/${enc(name)}`, { signal }),

  versions: async (name: string, signal?: AbortSignal) =>
    (
      await request<{ versions: PromptVersion[] }>('GET', `/prompts/${enc(name)}/versions`, {
        query: { limit: 1000 },
        signal,
      })
    ).versions,

  version: (name: string, version: number, signal?: AbortSignal) =>
    request<PromptVersion>('GET', `/prompts/${enc(name)}/versions/${version}`, { signal }),

  diff: (name: string, from: string, to: string, signal?: AbortSignal) =>
    request<VersionDiff>('GET', `/prompts/${enc(name)}/diff`, { query: { from, to }, signal }),

  deployments: async (filter: DeploymentFilter, signal?: AbortSignal) =>
    (
      await request<{ deployments: DeploymentEvent[] }>('GET', '/deployments', {
        query: {
          ...filter,
          from: filter.from === undefined ? undefined : iso(filter.from),
          to: filter.to === undefined ? undefined : iso(filter.to),
        },
        signal,
      })
    ).deployments,

  deployment: (id: string, signal?: AbortSignal) =>
    request<DeploymentEvent>('GET', `/deployments/${enc(id)}`, { signal }),

  deploy: (body: { prompt: string; environment: string; version: number; reason: string; canaryPercent?: number }) =>
    request<DeploymentEvent | DeploymentRequest>('POST', '/deployments', { body }),

  rollback: (body: { prompt: string; environment: string; toVersion?: number; reason: string }) =>
    request<DeploymentEvent>('POST', '/deployments/rollback', { body }),

  /** A stream token for the live event stream (see eventsUrl). */
  streamToken: () => request<{ token: string; expiresAt: string }>('POST', '/events/token'),

  /** The promotion, or a review request when a protected environment has not reviewed the canary. */
  promote: (id: string, reason: string) =>
    request<DeploymentEvent | DeploymentRequest>('POST', `/deployments/${enc(id)}/promote`, { body: { reason } }),

  analysis: (id: string, signal?: AbortSignal) =>
    request<DeploymentAnalysis>('GET', `/deployments/${enc(id)}/analysis`, { signal }),

  /** The analysis, or null while the deployment has not been judged yet (404). */
  analysisOrNull: async (id: string, signal?: AbortSignal) => {
    try {
      return await api.analysis(id, signal);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  },

  /** Every lane (or only `lanes`, as `environment:prompt`) with version, canary, verdict and trends. */
  overview: (q: WindowQuery & { lanes?: readonly string[] }, signal?: AbortSignal) =>
    request<Overview>('GET', '/overview', {
      query: { from: iso(q.from), to: iso(q.to), lane: q.lanes },
      signal,
    }),

  /** The latest verdict summaries of several deployments (those judged). */
  analyses: async (ids: readonly string[], signal?: AbortSignal) =>
    ids.length === 0
      ? []
      : (await request<{ analyses: AnalysisSummary[] }>('GET', '/analyses', { query: { deployment: ids }, signal }))
          .analyses,

  regressions: async (q: { environment?: string; status?: 'open' | 'resolved' }, signal?: AbortSignal) =>
    (await request<{ regressions: Regression[] }>('GET', '/regressions', { query: q, signal })).regressions,

  traces: (q: TraceFilter, signal?: AbortSignal) =>
    request<TracePage>('GET', '/traces', { query: { ...q, from: iso(q.from), to: iso(q.to) }, signal }),

  trace: (traceId: string, signal?: AbortSignal) => request<Trace>('GET', `/traces/${enc(traceId)}`, { signal }),

  timeseries: (
    q: WindowQuery & {
      environment: string;
      prompt: string;
      version?: string;
      model?: string;
      groupBy?: 'version' | 'model';
      /** Bucket size (`1m`, `10m`, …); the server picks one for the window when absent. */
      step?: string;
    },
    signal?: AbortSignal,
  ) => request<Timeseries>('GET', '/metrics/timeseries', { query: { ...q, from: iso(q.from), to: iso(q.to) }, signal }),

  compare: (q: WindowQuery & { environment: string; prompt: string; groupBy?: 'model' }, signal?: AbortSignal) =>
    request<Comparison>('GET', '/compare', { query: { ...q, from: iso(q.from), to: iso(q.to) }, signal }),

  // ---- Workbench: drafts, render, compare, reviews ----

  drafts: async (q: { prompt?: string; author?: string }, signal?: AbortSignal) =>
    (await request<{ drafts: DraftSummary[] }>('GET', '/drafts', { query: { ...q, limit: 1000 }, signal })).drafts,

  draft: (prompt: string, author: string, signal?: AbortSignal) =>
    request<Draft>('GET', `/prompts/${enc(prompt)}/drafts/${enc(author)}`, { signal }),

  saveDraft: (
    prompt: string,
    author: string,
    body: DraftSnapshot & { commitMessage: string; baseVersion?: number | null; revision: number },
  ) => request<Draft>('PUT', `/prompts/${enc(prompt)}/drafts/${enc(author)}`, { body }),

  discardDraft: (prompt: string, author: string, revision: number) =>
    request<void>('DELETE', `/prompts/${enc(prompt)}/drafts/${enc(author)}`, { query: { revision } }),

  publishDraft: (prompt: string, author: string, body: { commitMessage: string; revision: number }) =>
    request<PromptVersion>('POST', `/prompts/${enc(prompt)}/drafts/${enc(author)}/publish`, { body }),

  render: (
    prompt: string,
    body: { version?: number; environment?: string; draft?: string; variables: Record<string, unknown> },
    signal?: AbortSignal,
  ) => request<RenderedPrompt>('POST', `/prompts/${enc(prompt)}/render`, { body, signal }),

  comparePrompt: (
    prompt: string,
    q: { from: string; to: string; environment?: string; window?: string },
    signal?: AbortSignal,
  ) => request<PromptComparison>('GET', `/prompts/${enc(prompt)}/compare`, { query: { ...q }, signal }),

  requests: async (q: { status?: string; prompt?: string; environment?: string }, signal?: AbortSignal) =>
    (
      await request<{ requests: DeploymentRequest[] }>('GET', '/deployments/requests', {
        query: { ...q, limit: 500 },
        signal,
      })
    ).requests,

  evidence: (id: string, signal?: AbortSignal) =>
    request<ReviewEvidence>('GET', `/deployments/requests/${enc(id)}/evidence`, { signal }),

  approve: (id: string, comment: string) =>
    request<DeploymentRequest>('POST', `/deployments/requests/${enc(id)}/approve`, { body: { comment } }),

  reject: (id: string, comment: string) =>
    request<DeploymentRequest>('POST', `/deployments/requests/${enc(id)}/reject`, { body: { comment } }),

  // ---- Settings: environments, webhooks, keys (admin) ----

  policyDefaults: (signal?: AbortSignal) => request<PolicyDefaults>('GET', '/policy-defaults', { signal }),

  createEnvironment: (body: { name: string; protected?: boolean; primary?: boolean }) =>
    request<Environment>('POST', '/environments', { body }),

  updateEnvironment: (name: string, body: Record<string, unknown>) =>
    request<Environment>('PATCH', `/environments/${enc(name)}`, { body }),

  environmentChanges: async (name: string, signal?: AbortSignal) =>
    (await request<{ changes: EnvironmentChange[] }>('GET', `/environments/${enc(name)}/changes`, { signal })).changes,

  webhooks: async (signal?: AbortSignal) =>
    (await request<{ webhooks: Webhook[] }>('GET', '/webhooks', { signal })).webhooks,

  createWebhook: (body: { url: string; events: string[]; description: string }) =>
    request<Webhook & { secret: string }>('POST', '/webhooks', { body }),

  deleteWebhook: (id: string) => request<void>('DELETE', `/webhooks/${enc(id)}`),

  testWebhook: (id: string) =>
    request<{ eventId: string; deliveryId: string }>('POST', `/webhooks/${enc(id)}/test`, { body: {} }),

  deliveries: async (id: string, signal?: AbortSignal) =>
    (
      await request<{ deliveries: DeliveryAttempt[] }>('GET', `/webhooks/${enc(id)}/deliveries`, {
        query: { limit: 50 },
        signal,
      })
    ).deliveries,

  keys: async (signal?: AbortSignal) => (await request<{ keys: StoredKey[] }>('GET', '/keys', { signal })).keys,

  createKey: (body: { name: string; role: string }) =>
    request<StoredKey & { secret: string }>('POST', '/keys', { body }),

  revokeKey: (id: string) => request<StoredKey>('DELETE', `/keys/${enc(id)}`),

  compareCsv: (q: WindowQuery & { environment: string; prompt: string; groupBy?: 'model' }) =>
    requestBlob('/compare', { query: { ...q, from: iso(q.from), to: iso(q.to) }, accept: 'text/csv' }),
};
