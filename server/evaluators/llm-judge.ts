import type { EvaluationSubject } from './evaluation.js';
import { parseOutputJson } from './output-json.js';

/**
 * LLM-as-judge, the pure parts: what the judge prompt is rendered with, and how its answer is read. The judge
 * prompt is a prompt in the registry; its placeholders may use `output`, `expected` and `input` (the item's variables
 * as JSON), and each of the item's variables by name.
 */
export function judgeVariables(s: EvaluationSubject): Record<string, unknown> {
  const expected =
    s.expected === undefined || s.expected === null
      ? ''
      : typeof s.expected === 'string'
        ? s.expected
        : JSON.stringify(s.expected);
  return { ...s.variables, input: JSON.stringify(s.variables), output: s.output, expected };
}

/** The judge's score in [0, 1] and its reason, from `{"score": …, "reason": …}` (or `score: 0.8` in text). */
export function parseJudgeAnswer(text: string): { score: number; reason: string } | { error: string } {
  const parsed = parseOutputJson(text);
  if (parsed.ok && typeof parsed.value === 'object' && parsed.value !== null) {
    const { score, reason } = parsed.value as { score?: unknown; reason?: unknown };
    const value = typeof score === 'boolean' ? Number(score) : typeof score === 'string' ? Number(score) : score;
    if (typeof value !== 'number' || !Number.isFinite(value))
      return { error: 'the judge answered JSON without a numeric score' };
    if (value < 0 || value > 1) return { error: `the judge's score ${value} is outside [0, 1]` };
    return { score: value, reason: typeof reason === 'string' ? reason.slice(0, 2000) : '' };
  }
  const match = /"?score"?\s*[:=]\s*(-?[0-9]*\.?[0-9]+)/i.exec(text);
  if (!match) return { error: 'the judge did not answer with a score' };
  const value = Number(match[1]);
  if (value < 0 || value > 1) return { error: `the judge's score ${value} is outside [0, 1]` };
  return { score: value, reason: text.slice(0, 2000) };
}
