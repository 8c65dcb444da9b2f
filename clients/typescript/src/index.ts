/**
 * `@tracelane/client`: resolve the prompt deployed in an environment, keep it fresh, render it, tag the call and
 * send feedback. Runs in Node ≥ 20 and in browsers; the file cache (`@tracelane/client/file-cache`) and the
 * OpenTelemetry helpers (`@tracelane/client/otel`) are separate entry points.
 */
export { Tracelane, type ClientStats, type GetPromptOptions, type TracelaneOptions } from './client.js';
export { TracelaneError } from './http.js';
export type { CachedLane, DeploymentChange, PromptCache } from './lane.js';
export { PROMPT_ATTRIBUTES, Prompt, type FallbackPrompt, type PromptStatus, type RenderedPrompt } from './prompt.js';
export {
  MissingVariablesError,
  renderPrompt,
  type RenderMessage,
  type RenderVariable,
  type VariableValues,
} from './render.js';
export type { ScoreOptions, ScoreStats, ScoreTarget } from './scores.js';
export type { Arm, ProductEvent, PromptVersion, Resolution } from './wire.js';
