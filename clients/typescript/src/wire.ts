import type { RenderMessage, RenderVariable } from './render.js';

/** The shapes of Tracelane's HTTP API that the client reads (see the server's OpenAPI document). */

/** `stable`, `canary` (a canary or ramp step), `rule:<name>` (a targeting rule), `test:<name>` (an A/B test). */
export type Arm = 'stable' | 'canary' | `rule:${string}` | `test:${string}`;

/** A prompt version (`GET /api/v1/prompts/{name}/versions/{n}`): what reproduces a model call. */
export interface PromptVersion {
  prompt: string;
  version: number;
  provider: string;
  model: string;
  settings: Record<string, unknown>;
  messages: RenderMessage[];
  variables: RenderVariable[];
  tools: Record<string, unknown>[];
  responseSchema: Record<string, unknown> | null;
  metadata: Record<string, unknown>;
}

export interface CanaryState {
  version: number;
  percent: number;
  deploymentId: string;
}

/** `GET /api/v1/prompts/{name}/resolve?environment=&key=&attr.<name>=`. */
export interface Resolution {
  prompt: string;
  environment: string;
  arm: Arm;
  /** Why this caller gets this version (servers before targeting do not send it). */
  why?: string;
  version: number;
  deploymentId: string;
  stableVersion: number;
  canary: CanaryState | null;
  /** Targeting rules in effect, and a running A/B test: the server then decides per caller. */
  targeting?: { revision: number; rules: number } | null;
  test?: { id: string; name: string; versions: number[]; percent: number } | null;
  /** What answers depend on: the key, and these attributes. */
  variesBy?: { key: boolean; attributes: string[] };
  snapshot: PromptVersion;
}

/** One event of `GET /api/v1/events` (the same JSON as a webhook body). */
export interface ProductEvent {
  id: string;
  type: string;
  time: string;
  data: Record<string, unknown>;
}

/** `{"error":{"code","message","field"}}`, the body of every API error. */
export interface ApiErrorBody {
  error?: { code?: string; message?: string; field?: string };
}
