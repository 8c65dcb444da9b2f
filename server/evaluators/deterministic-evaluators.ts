import { failed, scored, type Evaluation, type EvaluationSubject } from './evaluation.js';
import type { EvaluatorConfig } from './evaluator-spec.js';
import { expectedJson, jsonEqual, parseOutputJson, valueAt } from './output-json.js';

/** The evaluators that need no model: pure functions of the output and the expected output. */
type Config<T extends EvaluatorConfig['type']> = Extract<EvaluatorConfig, { type: T }>;

const noLabel = (name: string) => failed(name, 'the item has no expected output');

export function exactMatch(name: string, c: Config<'exact_match'>, s: EvaluationSubject): Evaluation {
  if (s.expected === undefined || s.expected === null) return noLabel(name);
  if (typeof s.expected !== 'string') {
    const output = parseOutputJson(s.output);
    const equal = output.ok && jsonEqual(output.value, s.expected);
    return scored(
      name,
      equal ? 1 : 0,
      equal ? 'the output equals the expected JSON' : 'the output differs from the expected JSON',
    );
  }
  const norm = (t: string) => {
    const text = c.trim ? t.trim() : t;
    return c.caseSensitive ? text : text.toLowerCase();
  };
  const equal = norm(s.output) === norm(s.expected);
  return scored(
    name,
    equal ? 1 : 0,
    equal ? 'the output equals the expected text' : 'the output differs from the expected text',
  );
}

export function jsonField(name: string, c: Config<'json_field'>, s: EvaluationSubject): Evaluation {
  if (s.expected === undefined || s.expected === null) return noLabel(name);
  const want = valueAt(expectedJson(s.expected), c.field);
  if (want === undefined) return failed(name, `the expected output has no field ${c.field}`);
  const output = parseOutputJson(s.output);
  if (!output.ok) return scored(name, 0, output.error);
  const got = valueAt(output.value, c.field);
  if (got === undefined) return scored(name, 0, `the output has no field ${c.field}`);
  const equal = jsonEqual(got, want);
  return scored(
    name,
    equal ? 1 : 0,
    `${c.field}: ${JSON.stringify(got)}${equal ? '' : `, expected ${JSON.stringify(want)}`}`,
  );
}

export function regex(name: string, c: Config<'regex'>, s: EvaluationSubject): Evaluation {
  const matches = new RegExp(c.pattern, c.flags).test(s.output);
  return scored(name, matches ? 1 : 0, matches ? `matches /${c.pattern}/` : `does not match /${c.pattern}/`);
}

export function jsonValid(name: string, s: EvaluationSubject): Evaluation {
  const output = parseOutputJson(s.output);
  return scored(name, output.ok ? 1 : 0, output.ok ? 'the output is valid JSON' : output.error);
}

export function numericCloseness(name: string, c: Config<'numeric'>, s: EvaluationSubject): Evaluation {
  if (s.expected === undefined || s.expected === null) return noLabel(name);
  const want = toNumber(c.field ? valueAt(expectedJson(s.expected), c.field) : expectedJson(s.expected));
  if (want === undefined) return failed(name, `the expected output is not a number${c.field ? ` at ${c.field}` : ''}`);
  const parsed = parseOutputJson(s.output);
  const got = toNumber(
    c.field ? (parsed.ok ? valueAt(parsed.value, c.field) : undefined) : parsed.ok ? parsed.value : s.output,
  );
  if (got === undefined) return scored(name, 0, `the output is not a number${c.field ? ` at ${c.field}` : ''}`);
  const distance = c.relative ? Math.abs(got - want) / Math.max(Math.abs(want), Number.EPSILON) : Math.abs(got - want);
  const score = c.tolerance === 0 ? (distance === 0 ? 1 : 0) : Math.max(0, 1 - distance / c.tolerance);
  return scored(
    name,
    score,
    `${got} against ${want} (distance ${Number(distance.toPrecision(3))}${c.relative ? ', relative' : ''})`,
  );
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value.trim())))
    return Number(value.trim());
  return undefined;
}
