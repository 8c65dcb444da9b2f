import type { NormalizeStep, SpanInput } from './llm-fields.js';
import { parseAmount } from './lookup.js';

/**
 * Quality: the mean of every score the span carries — GenAI `gen_ai.evaluation.result` events
 * (`gen_ai.evaluation.score.value`; OpenLIT emits the same), OpenInference `annotations.<i>.annotation.score` and
 * `evaluations.<i>.evaluation.score`, and the configured QUALITY_KEYS. Null when there is none.
 */
const EVALUATION_EVENT = 'gen_ai.evaluation.result';
const EVALUATION_SCORE = 'gen_ai.evaluation.score.value';
const OPENINFERENCE_SCORE = /^(?:annotations\.\d+\.annotation|evaluations\.\d+\.evaluation)\.score$/;

export function readQuality(extraKeys: readonly string[]): NormalizeStep {
  return {
    name: 'readQuality',
    apply: (input) => {
      const scores = [...eventScores(input), ...attributeScores(input, extraKeys)];
      return { quality: scores.length === 0 ? null : scores.reduce((a, b) => a + b, 0) / scores.length };
    },
  };
}

function eventScores(input: SpanInput): number[] {
  const scores: number[] = [];
  for (const event of input.span.events) {
    if (event.name !== EVALUATION_EVENT) continue;
    const score = parseAmount(event.attributes[EVALUATION_SCORE]);
    if (score !== null) scores.push(score);
  }
  return scores;
}

function attributeScores(input: SpanInput, extraKeys: readonly string[]): number[] {
  const attributes = input.span.attributes;
  const keys = [...extraKeys];
  for (const key in attributes) {
    const first = key.charCodeAt(0); // most keys start with neither letter: one comparison, not two prefix tests
    if (first !== 97 /* a */ && first !== 101 /* e */) continue;
    const candidate = key.startsWith('annotations.') || key.startsWith('evaluations.');
    if (candidate && OPENINFERENCE_SCORE.test(key)) keys.push(key);
  }
  return keys.map((key) => parseAmount(attributes[key])).filter((n): n is number => n !== null);
}
