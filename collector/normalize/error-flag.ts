import type { NormalizeStep } from './llm-fields.js';

/** IsError = 1 when the span's status code is Error (OTLP `STATUS_CODE_ERROR`). */
export const markError: NormalizeStep = {
  name: 'markError',
  apply: (input) => ({ isError: input.span.statusCode === 'Error' }),
};
