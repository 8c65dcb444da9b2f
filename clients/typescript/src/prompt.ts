import { renderPrompt, type RenderMessage, type RenderVariable, type VariableValues } from './render.js';
import type { Arm, PromptVersion } from './wire.js';

/**
 * `fresh`: Tracelane confirmed this version at the last attempt. `stale`: the last attempt failed (or the version
 * came from the file cache and is not confirmed yet): the last known version is served. `fallback`: nothing was
 * ever resolved; the snapshot the application ships is served.
 */
export type PromptStatus = 'fresh' | 'stale' | 'fallback';

/**
 * The snapshot an application ships for when Tracelane was never reachable. The JSON of
 * `GET /api/v1/prompts/{name}/versions/{n}` (or `tracelane` CLI output of it) fits as it is.
 */
export interface FallbackPrompt {
  messages: RenderMessage[];
  /** Declared variables, as objects or bare names. */
  variables?: (RenderVariable | string)[];
  /** The registry version this snapshot is a copy of: spans are tagged with it (else with `fallback`). */
  version?: number;
  provider?: string;
  model?: string;
  settings?: Record<string, unknown>;
  tools?: Record<string, unknown>[];
  responseSchema?: Record<string, unknown> | null;
  metadata?: Record<string, unknown>;
}

/** What `prompt.render(values)` returns: the messages to send, with everything else the call needs. */
export interface RenderedPrompt {
  messages: RenderMessage[];
  /** Names given in the values that no placeholder uses. */
  unusedValues: string[];
  provider: string;
  model: string;
  settings: Record<string, unknown>;
  tools: Record<string, unknown>[];
  responseSchema: Record<string, unknown> | null;
}

/** The span attributes that say which prompt a call used (read by Tracelane's collector). */
export const PROMPT_ATTRIBUTES = {
  name: 'gen_ai.prompt.name',
  version: 'gen_ai.prompt.version',
  environment: 'deployment.environment.name',
  arm: 'tracelane.prompt.arm',
  status: 'tracelane.prompt.status',
} as const;

/** The version served to one call: immutable, so a call renders and tags exactly what it was given. */
export class Prompt {
  readonly name: string;
  readonly environment: string;
  /** The registry version; null for a fallback snapshot that does not say which version it copies. */
  readonly version: number | null;
  readonly arm: Arm;
  readonly status: PromptStatus;
  /** When Tracelane last confirmed this version (null for a fallback). */
  readonly confirmedAt: Date | null;
  readonly provider: string;
  readonly model: string;
  readonly settings: Record<string, unknown>;
  readonly messages: RenderMessage[];
  readonly variables: RenderVariable[];
  readonly tools: Record<string, unknown>[];
  readonly responseSchema: Record<string, unknown> | null;
  readonly metadata: Record<string, unknown>;

  constructor(
    served: { name: string; environment: string; arm: Arm; status: PromptStatus; confirmedAt: Date | null },
    snapshot: FallbackPrompt,
  ) {
    this.name = served.name;
    this.environment = served.environment;
    this.arm = served.arm;
    this.status = served.status;
    this.confirmedAt = served.confirmedAt;
    this.version = snapshot.version ?? null;
    this.provider = snapshot.provider ?? '';
    this.model = snapshot.model ?? '';
    this.settings = snapshot.settings ?? {};
    this.messages = snapshot.messages;
    this.variables = (snapshot.variables ?? []).map((v) => (typeof v === 'string' ? { name: v } : v));
    this.tools = snapshot.tools ?? [];
    this.responseSchema = snapshot.responseSchema ?? null;
    this.metadata = snapshot.metadata ?? {};
  }

  /**
   * The messages to send, rendered with the registry's rules; throws MissingVariablesError naming every
   * placeholder without a value (a declared default or `required: false` counts as a value).
   */
  render(values: VariableValues = {}): RenderedPrompt {
    const { messages, unusedValues } = renderPrompt({ messages: this.messages, variables: this.variables }, values);
    return {
      messages,
      unusedValues,
      provider: this.provider,
      model: this.model,
      settings: this.settings,
      tools: this.tools,
      responseSchema: this.responseSchema,
    };
  }

  /** The span attributes naming this prompt, version, environment, arm and status. */
  attributes(): Record<string, string> {
    return {
      [PROMPT_ATTRIBUTES.name]: this.name,
      [PROMPT_ATTRIBUTES.version]: this.version === null ? 'fallback' : String(this.version),
      [PROMPT_ATTRIBUTES.environment]: this.environment,
      [PROMPT_ATTRIBUTES.arm]: this.arm,
      [PROMPT_ATTRIBUTES.status]: this.status,
    };
  }
}

/** A resolved version as served. */
export function servedPrompt(
  version: PromptVersion,
  served: { environment: string; arm: Arm; status: PromptStatus; confirmedAt: Date | null },
): Prompt {
  return new Prompt({ name: version.prompt, ...served }, version);
}
