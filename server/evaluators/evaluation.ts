/** What an evaluator looks at: the model's output, and what the item expected (absent for live traffic). */
export interface EvaluationSubject {
  output: string;
  /** A string for free text, any JSON value for JSON; undefined when there is no label (online evaluation). */
  expected?: unknown;
  /** The variables the prompt was rendered with. */
  variables: Record<string, unknown>;
  /** The prompt version's response schema, if it declares one. */
  responseSchema: Record<string, unknown> | null;
}

/** One evaluator's verdict on one output: a score in [0, 1] and why, or an error (no score). */
export type Evaluation = { name: string; score: number; reason: string } | { name: string; score: null; error: string };

export const scored = (name: string, score: number, reason: string): Evaluation => ({
  name,
  score: Math.min(1, Math.max(0, score)),
  reason,
});
export const failed = (name: string, error: string): Evaluation => ({ name, score: null, error });
