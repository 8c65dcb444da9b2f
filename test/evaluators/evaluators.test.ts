import { describe, expect, it } from 'vitest';
import type { EvaluationSubject } from '../../server/evaluators/evaluation.js';
import { evaluatorConfig, type EvaluatorDefinition } from '../../server/evaluators/evaluator-spec.js';
import { judgeVariables, parseJudgeAnswer } from '../../server/evaluators/llm-judge.js';
import { scoreOutput, type AskJudge } from '../../server/evaluators/score-output.js';
import { subjectFromSpan } from '../../server/evaluators/span-subject.js';

/** The evaluators as pure functions of an output and its label (no model, no store). */
const define = (name: string, config: unknown): EvaluatorDefinition => ({
  name,
  description: '',
  config: evaluatorConfig.parse(config),
});
const noJudge: AskJudge = () => Promise.reject(new Error('no judge in this test'));
const subject = (
  output: string,
  expected?: unknown,
  responseSchema: Record<string, unknown> | null = null,
): EvaluationSubject => ({
  output,
  expected,
  variables: { ticket: 'My invoice is wrong' },
  responseSchema,
});
async function score(config: unknown, s: EvaluationSubject, judge = noJudge) {
  const [result] = await scoreOutput([define('s', config)], s, judge);
  return result!;
}

describe('exact match', () => {
  it('compares text (trimmed, case-sensitive by default) and JSON structurally', async () => {
    expect((await score({ type: 'exact_match' }, subject(' billing\n', 'billing'))).score).toBe(1);
    expect((await score({ type: 'exact_match' }, subject('Billing', 'billing'))).score).toBe(0);
    expect((await score({ type: 'exact_match', caseSensitive: false }, subject('Billing', 'billing'))).score).toBe(1);
    expect((await score({ type: 'exact_match' }, subject('{"b":2,"a":1}', { a: 1, b: 2 }))).score).toBe(1);
    expect(await score({ type: 'exact_match' }, subject('x'))).toMatchObject({
      score: null,
      error: 'the item has no expected output',
    });
  });
});

describe('JSON field match', () => {
  const team = { type: 'json_field', field: 'team' };
  it('scores 1 when team of the answer equals team of the expected output', async () => {
    expect(
      await score(team, subject('{"team":"billing","priority":"high"}', { team: 'billing', priority: 'low' })),
    ).toMatchObject({ score: 1 });
    expect(await score(team, subject('```json\n{"team":"billing"}\n```', '{"team":"billing"}'))).toMatchObject({
      score: 1,
    });
    expect(await score(team, subject('{"team":"api-platform"}', { team: 'billing' }))).toMatchObject({
      score: 0,
      reason: 'team: "api-platform", expected "billing"',
    });
  });
  it('scores 0 for output that is not JSON or lacks the field; errors when the label lacks it', async () => {
    expect((await score(team, subject('billing', { team: 'billing' }))).score).toBe(0);
    expect((await score(team, subject('{"queue":"billing"}', { team: 'billing' }))).score).toBe(0);
    expect(await score(team, subject('{"team":"x"}', { queue: 'x' }))).toMatchObject({ score: null });
    expect(
      (
        await score(
          { type: 'json_field', field: 'routing.team' },
          subject('{"routing":{"team":"auth"}}', { routing: { team: 'auth' } }),
        )
      ).score,
    ).toBe(1);
  });
});

describe('regex, JSON validity, JSON schema', () => {
  it('matches a regular expression with flags', async () => {
    expect(
      (await score({ type: 'regex', pattern: '^ticket #\\d+', flags: 'i' }, subject('Ticket #42 routed'))).score,
    ).toBe(1);
    expect((await score({ type: 'regex', pattern: '^\\d+$' }, subject('42a'))).score).toBe(0);
    expect(evaluatorConfig.safeParse({ type: 'regex', pattern: '(' }).success).toBe(false);
  });

  it('checks JSON validity', async () => {
    expect((await score({ type: 'json_valid' }, subject('{"a":1}'))).score).toBe(1);
    expect((await score({ type: 'json_valid' }, subject('{a:1}'))).score).toBe(0);
  });

  it("checks conformance to the version's response schema, or the evaluator's own", async () => {
    const schema = {
      type: 'object',
      properties: { team: { enum: ['billing', 'auth'] }, priority: { type: 'string' } },
      required: ['team', 'priority'],
      additionalProperties: false,
    };
    expect(
      (await score({ type: 'json_schema' }, subject('{"team":"auth","priority":"p1"}', undefined, schema))).score,
    ).toBe(1);
    expect(
      await score({ type: 'json_schema' }, subject('{"team":"sales","priority":"p1"}', undefined, schema)),
    ).toMatchObject({
      score: 0,
      reason: '/team must be equal to one of the allowed values',
    });
    expect(await score({ type: 'json_schema' }, subject('{}'))).toMatchObject({ score: null });
    expect((await score({ type: 'json_schema', schema: { type: 'array' } }, subject('[1]'))).score).toBe(1);
  });
});

describe('numeric closeness', () => {
  it('is 1 at equality, falls linearly to 0 at the tolerance, absolute or relative', async () => {
    expect((await score({ type: 'numeric' }, subject('42', 42))).score).toBe(1);
    expect((await score({ type: 'numeric' }, subject('41', 42))).score).toBe(0);
    expect((await score({ type: 'numeric', tolerance: 4 }, subject('41', 42))).score).toBeCloseTo(0.75, 10);
    expect(
      (
        await score(
          { type: 'numeric', field: 'eta', tolerance: 0.1, relative: true },
          subject('{"eta":95}', { eta: 100 }),
        )
      ).score,
    ).toBeCloseTo(0.5, 10);
    expect((await score({ type: 'numeric', tolerance: 1 }, subject('about ten', 10))).score).toBe(0);
  });
});

describe('LLM-as-judge', () => {
  const judge = { type: 'llm_judge', prompt: 'judges/helpfulness', version: 1, connection: 'fake' };

  it('renders the judge with output, expected, input and the variables, and reads its JSON answer', async () => {
    let seen: Record<string, unknown> = {};
    const ask: AskJudge = (_d, s) => {
      seen = judgeVariables(s);
      return Promise.resolve('{"score": 0.8, "reason": "routes correctly, terse"}');
    };
    expect(await score(judge, subject('{"team":"billing"}', { team: 'billing' }), ask)).toEqual({
      name: 's',
      score: 0.8,
      reason: 'routes correctly, terse',
    });
    expect(seen).toEqual({
      ticket: 'My invoice is wrong',
      input: '{"ticket":"My invoice is wrong"}',
      output: '{"team":"billing"}',
      expected: '{"team":"billing"}',
    });
  });

  it('accepts a fenced answer or "score: x" text, and refuses scores outside [0, 1] or none', () => {
    expect(parseJudgeAnswer('```json\n{"score": 1, "reason": "ok"}\n```')).toEqual({ score: 1, reason: 'ok' });
    expect(parseJudgeAnswer('Score: 0.25 because it is vague')).toMatchObject({ score: 0.25 });
    expect(parseJudgeAnswer('{"score": 7}')).toEqual({ error: "the judge's score 7 is outside [0, 1]" });
    expect(parseJudgeAnswer('I like it')).toEqual({ error: 'the judge did not answer with a score' });
  });

  it('turns a failing judge call into an error for that evaluator only', async () => {
    const results = await scoreOutput(
      [define('helpful', judge), define('valid', { type: 'json_valid' })],
      subject('{}'),
      noJudge,
    );
    expect(results).toEqual([
      { name: 'helpful', score: null, error: 'no judge in this test' },
      { name: 'valid', score: 1, reason: 'the output is valid JSON' },
    ]);
  });
});

describe('scoring a stored span (the online-evaluation hook)', () => {
  it('reads the completion and variables of a span and scores it without a label', async () => {
    const span = {
      attributes: {
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'text', content: '{"team":"auth"}' }] },
        ]),
        'traceloop.prompt.template_variables.ticket': 'SSO fails',
      },
      events: [],
    };
    const s = subjectFromSpan(span, { type: 'object', required: ['team'] })!;
    expect(s).toEqual({
      output: '{"team":"auth"}',
      variables: { ticket: 'SSO fails' },
      responseSchema: { type: 'object', required: ['team'] },
    });
    const results = await scoreOutput(
      [define('valid', { type: 'json_schema' }), define('team', { type: 'json_field', field: 'team' })],
      s,
      noJudge,
    );
    expect(results).toEqual([
      { name: 'valid', score: 1, reason: 'the output conforms to the schema' },
      { name: 'team', score: null, error: 'the item has no expected output' },
    ]);
    expect(subjectFromSpan({ attributes: {}, events: [] }, null)).toBeUndefined();
  });
});
