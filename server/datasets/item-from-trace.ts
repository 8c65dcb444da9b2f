import { badRequest, notFound } from '../http/errors.js';
import type { Store } from '../store/store.js';
import { getTrace } from '../traces/get-trace.js';
import { spanCompletion, spanVariables } from '../traces/span-io.js';
import { itemInput, type NewItem } from './dataset-item.js';

/**
 * A dataset item from a production trace: the variables and the output of its generation span (the one named, or
 * the trace's first generation). Its metadata records where it came from; the output becomes the expected output
 * unless the caller gives the correct one.
 */
export async function itemFromTrace(
  store: Store,
  o: { traceId: string; spanId?: string; category: string; expected?: unknown },
): Promise<NewItem> {
  const trace = await getTrace(store, o.traceId);
  if (!trace) throw notFound(`traceId: trace ${o.traceId} does not exist`, 'traceId');
  const span = o.spanId
    ? trace.spans.find((s) => s.spanId === o.spanId)
    : (trace.spans.find((s) => s.llm.isGeneration) ?? trace.spans.find((s) => spanCompletion(s) !== undefined));
  if (!span)
    throw notFound(
      o.spanId
        ? `spanId: span ${o.spanId} is not in trace ${o.traceId}`
        : `traceId: trace ${o.traceId} has no generation span`,
      o.spanId ? 'spanId' : 'traceId',
    );
  const input = spanVariables(span);
  const output = spanCompletion(span);
  if (Object.keys(input).length === 0) {
    throw badRequest(
      `traceId: span ${span.spanId} carries no prompt variables (tracelane.prompt.variables, llm.prompt_template.variables, traceloop.prompt.template_variables.*)`,
      'traceId',
    );
  }
  return itemInput.parse({
    input,
    expected: o.expected !== undefined ? o.expected : (output ?? null),
    category: o.category,
    metadata: {
      traceId: o.traceId,
      spanId: span.spanId,
      prompt: span.llm.promptName,
      version: span.llm.promptVersion,
      environment: span.llm.environment,
      model: span.llm.model,
    },
  });
}
