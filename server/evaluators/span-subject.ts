import type { TraceSpan } from '../traces/get-trace.js';
import { spanCompletion, spanVariables } from '../traces/span-io.js';
import type { EvaluationSubject } from './evaluation.js';

/**
 * What an evaluator scores on a stored generation span (online evaluation of live traffic): the completion the
 * instrumentation captured and the prompt variables, with no expected output. Undefined when the span carries no
 * completion text. Evaluators that need a label (`needsExpected`) answer with an error for such a subject.
 */
export function subjectFromSpan(
  span: Pick<TraceSpan, 'attributes' | 'events'>,
  responseSchema: Record<string, unknown> | null,
): EvaluationSubject | undefined {
  const output = spanCompletion(span);
  if (output === undefined) return undefined;
  return { output, variables: spanVariables(span), responseSchema };
}
