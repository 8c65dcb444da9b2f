import type { RenderMessage, RenderVariable } from './render.js';

/** The shapes of Tracelane's HTTP API that the client reads (see the server's OpenAPI document). */

export type Arm = 'stable' | 'canary';

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

/** `GET /api/v1/prompts/{name}/resolve?environment=&key=`. */
export interface Resolution {
  prompt: string;
  environment: string;
  arm: Arm;
  version: number;
  deploymentId: string;
  stableVersion: number;
  canary: CanaryState | null;
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
