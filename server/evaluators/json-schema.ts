import { Ajv, type ValidateFunction } from 'ajv';
import { failed, scored, type Evaluation, type EvaluationSubject } from './evaluation.js';
import { parseOutputJson } from './output-json.js';

/**
 * JSON-schema conformance with Ajv (draft 2020-12 keywords that Ajv's default draft-07 class also reads, as the
 * structured-output APIs use). Compiled validators are cached by schema text.
 */
const ajv = new Ajv({ allErrors: false, strict: false });
const cache = new Map<string, ValidateFunction | string>();
const CACHE_LIMIT = 500;

function validatorFor(schema: Record<string, unknown>): ValidateFunction | string {
  const key = JSON.stringify(schema);
  const cached = cache.get(key);
  if (cached) return cached;
  let compiled: ValidateFunction | string;
  try {
    compiled = ajv.compile(schema);
  } catch (err) {
    compiled = `the schema is not valid: ${(err as Error).message}`;
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

export function jsonSchemaConformance(
  name: string,
  schema: Record<string, unknown> | undefined,
  s: EvaluationSubject,
): Evaluation {
  const target = schema ?? s.responseSchema;
  if (!target) return failed(name, 'the prompt version has no response schema and the evaluator gives none');
  const validate = validatorFor(target);
  if (typeof validate === 'string') return failed(name, validate);
  const output = parseOutputJson(s.output);
  if (!output.ok) return scored(name, 0, output.error);
  if (validate(output.value)) return scored(name, 1, 'the output conforms to the schema');
  const first = validate.errors?.[0];
  return scored(name, 0, `${first?.instancePath || '(root)'} ${first?.message ?? 'does not conform'}`);
}
