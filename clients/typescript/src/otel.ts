import { context, createContextKey, trace, type Context, type Span } from '@opentelemetry/api';
import type { Prompt } from './prompt.js';

/**
 * Tags OpenTelemetry spans with the prompt a call really used (`@opentelemetry/api` is an optional peer dependency,
 * which is why this lives in its own entry point, `@tracelane/client/otel`).
 */
const PROMPT_ATTRIBUTES_KEY = createContextKey('tracelane.prompt.attributes');

/**
 * Runs `fn` with `prompt` tagged: the active span gets the prompt's attributes (name, version, environment, arm,
 * status), and so does every span started inside `fn` when a PromptSpanProcessor is registered — the LLM span of
 * whatever instrumentation makes the call included. Returns what `fn` returns (a promise stays a promise).
 */
export function withPrompt<T>(prompt: Prompt, fn: () => T): T {
  const attributes = prompt.attributes();
  trace.getActiveSpan()?.setAttributes(attributes);
  return context.with(context.active().setValue(PROMPT_ATTRIBUTES_KEY, attributes), fn);
}

/** Sets the prompt's attributes on one span. */
export function tagSpan(span: Span, prompt: Prompt): void {
  span.setAttributes(prompt.attributes());
}

/**
 * A span processor that copies the prompt of `withPrompt` onto every span started inside it. Register it with
 * the tracer provider, e.g. `new NodeTracerProvider({ spanProcessors: [new PromptSpanProcessor(), batch] })`.
 */
export class PromptSpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const attributes = parentContext.getValue(PROMPT_ATTRIBUTES_KEY) as Record<string, string> | undefined;
    if (attributes) span.setAttributes(attributes);
  }

  onEnd(): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
