import { exactMatch, jsonField, jsonValid, numericCloseness, regex } from './deterministic-evaluators.js';
import { failed, scored, type Evaluation, type EvaluationSubject } from './evaluation.js';
import type { EvaluatorDefinition } from './evaluator-spec.js';
import { jsonSchemaConformance } from './json-schema.js';
import { parseJudgeAnswer } from './llm-judge.js';

/**
 * Asks an LLM judge (the I/O part of LLM-as-judge): renders the judge prompt with the subject and returns the
 * model's raw answer text. Supplied by the caller (experiments; online evaluation) so that scoring stays testable.
 */
export type AskJudge = (
  definition: EvaluatorDefinition & { config: { type: 'llm_judge' } },
  subject: EvaluationSubject,
) => Promise<string>;

/**
 * Scores one output with every evaluator. This is the hook for online evaluation too: give it a stored span's
 * completion (and its prompt variables) with `expected` undefined, and evaluators that need a label say so.
 * An evaluator that throws becomes an error for that evaluator only.
 */
export async function scoreOutput(
  definitions: readonly EvaluatorDefinition[],
  subject: EvaluationSubject,
  askJudge: AskJudge,
): Promise<Evaluation[]> {
  return Promise.all(definitions.map((d) => scoreOne(d, subject, askJudge)));
}

async function scoreOne(d: EvaluatorDefinition, s: EvaluationSubject, askJudge: AskJudge): Promise<Evaluation> {
  const c = d.config;
  try {
    switch (c.type) {
      case 'exact_match':
        return exactMatch(d.name, c, s);
      case 'json_field':
        return jsonField(d.name, c, s);
      case 'regex':
        return regex(d.name, c, s);
      case 'json_valid':
        return jsonValid(d.name, s);
      case 'json_schema':
        return jsonSchemaConformance(d.name, c.schema, s);
      case 'numeric':
        return numericCloseness(d.name, c, s);
      case 'llm_judge': {
        const answer = parseJudgeAnswer(await askJudge({ ...d, config: c }, s));
        return 'error' in answer ? failed(d.name, answer.error) : scored(d.name, answer.score, answer.reason);
      }
    }
  } catch (err) {
    return failed(d.name, err instanceof Error ? err.message : String(err));
  }
}
