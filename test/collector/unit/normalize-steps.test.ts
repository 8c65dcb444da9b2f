import { describe, expect, it } from 'vitest';
import { computeCost, readOwnCost } from '../../../collector/normalize/cost.js';
import { readEnvironment } from '../../../collector/normalize/environment.js';
import { markError } from '../../../collector/normalize/error-flag.js';
import { emptyFields, type LlmFields, type SpanInput } from '../../../collector/normalize/llm-fields.js';
import { readModel, readProvider } from '../../../collector/normalize/model.js';
import { markGeneration, readOperation } from '../../../collector/normalize/operation.js';
import { createNormalizer, normalizeSteps } from '../../../collector/normalize/pipeline.js';
import { readPromptName, readPromptVersion } from '../../../collector/normalize/prompt.js';
import { readQuality } from '../../../collector/normalize/quality.js';
import { readTimeToFirstToken } from '../../../collector/normalize/time-to-first-token.js';
import { langfuseUsage, readTokens } from '../../../collector/normalize/tokens.js';
import { newAttributes, type Span } from '../../../collector/otlp/span.js';
import { priceTable } from '../../../collector/pricing/price-table.js';

/** Each normalisation step is a pure function of the span (and earlier fields); tested alone. */
function input(
  attributes: Record<string, string>,
  resource: Record<string, string> = {},
  extra: Partial<Span> = {},
): SpanInput {
  const span: Span = {
    traceId: 'a'.repeat(32),
    spanId: 'b'.repeat(16),
    parentSpanId: '',
    traceState: '',
    name: 'span',
    kind: 'Client',
    startTimeUnixNano: 1n,
    endTimeUnixNano: 2n,
    attributes: Object.assign(newAttributes(), attributes),
    events: [],
    links: [],
    statusCode: 'Unset',
    statusMessage: '',
    ...extra,
  };
  return { span, resource: Object.assign(newAttributes(), resource) };
}
const fields = (f: Partial<LlmFields> = {}): LlmFields => ({ ...emptyFields(), ...f });

describe('readEnvironment', () => {
  const step = readEnvironment(['app.env']);
  it('prefers configured keys, then Langfuse, then the OTel resource conventions', () => {
    expect(step.apply(input({ 'langfuse.environment': 'qa', 'app.env': 'dev' }), fields())).toEqual({
      environment: 'dev',
    });
    expect(step.apply(input({ 'deployment.environment': 'old', 'langfuse.environment': 'qa' }), fields())).toEqual({
      environment: 'qa',
    });
    expect(
      step.apply(input({}, { 'deployment.environment': 'old', 'deployment.environment.name': 'new' }), fields()),
    ).toEqual({ environment: 'new' });
  });
  it('reads the span before the resource and ignores blank values', () => {
    expect(step.apply(input({ 'deployment.environment': 'span' }, { 'app.env': 'resource' }), fields())).toEqual({
      environment: 'span',
    });
    expect(step.apply(input({ 'app.env': '  ' }, { 'deployment.environment.name': ' prod ' }), fields())).toEqual({
      environment: 'prod',
    });
    expect(step.apply(input({}), fields())).toEqual({ environment: '' });
  });
});

describe('readPromptName / readPromptVersion', () => {
  it('follows the documented precedence', () => {
    const name = readPromptName([]);
    const version = readPromptVersion([]);
    const both = input({
      'traceloop.prompt.key': 'tl',
      'gen_ai.prompt.name': 'genai',
      'traceloop.prompt.version': '1',
      'llm.prompt_template.version': 'v2',
    });
    expect(name.apply(both, fields())).toEqual({ promptName: 'genai' });
    expect(version.apply(both, fields())).toEqual({ promptVersion: 'v2' });
  });
  it('reads Langfuse prompt metadata passed through the Vercel AI SDK', () => {
    const span = input({ 'ai.telemetry.metadata.langfusePrompt': '{"name":"lf","version":3}' });
    expect(readPromptName([]).apply(span, fields())).toEqual({ promptName: 'lf' });
    expect(readPromptVersion([]).apply(span, fields())).toEqual({ promptVersion: '3' });
    expect(readPromptName([]).apply(input({ 'ai.telemetry.metadata.langfusePrompt': '{not json' }), fields())).toEqual({
      promptName: '',
    });
  });
  it('tries configured keys first', () => {
    expect(
      readPromptVersion(['my.version']).apply(input({ 'gen_ai.prompt.version': '1', 'my.version': '9' }), fields()),
    ).toEqual({ promptVersion: '9' });
  });
});

describe('readModel / readProvider', () => {
  it('prefers the requested model, then the answering one', () => {
    expect(
      readModel.apply(
        input({ 'gen_ai.response.model': 'gpt-4o-2024-08-06', 'gen_ai.request.model': 'gpt-4o' }),
        fields(),
      ),
    ).toEqual({ model: 'gpt-4o', requestModel: 'gpt-4o', responseModel: 'gpt-4o-2024-08-06' });
    expect(readModel.apply(input({ 'gen_ai.response.model': 'gpt-4o-2024-08-06' }), fields())).toEqual({
      model: 'gpt-4o-2024-08-06',
      requestModel: '',
      responseModel: 'gpt-4o-2024-08-06',
    });
    expect(readModel.apply(input({ 'llm.model_name': 'x' }), fields())).toMatchObject({ model: 'x' });
  });
  it('reads OpenInference embedding models, MLflow, a bare `model`, and Genkit model actions', () => {
    const model = (attributes: Record<string, string>) => readModel.apply(input(attributes), fields()).model;
    expect(model({ 'embedding.model_name': 'text-embedding-3-small' })).toBe('text-embedding-3-small');
    expect(model({ 'mlflow.llm.model': 'gpt-4o-mini' })).toBe('gpt-4o-mini');
    expect(model({ model: 'claude-sonnet-4-5' })).toBe('claude-sonnet-4-5');
    const genkit = { 'genkit:metadata:subtype': 'model', 'genkit:name': 'googleai/gemini-2.5-flash' };
    expect(model(genkit)).toBe('gemini-2.5-flash');
    expect(readProvider.apply(input(genkit), fields())).toEqual({ provider: 'googleai' });
    expect(model({ 'genkit:metadata:subtype': 'flow', 'genkit:name': 'supportFlow' })).toBe('');
  });
  it('lowercases providers and shortens Vercel provider ids', () => {
    expect(readProvider.apply(input({ 'gen_ai.system': 'OpenAI' }), fields())).toEqual({ provider: 'openai' });
    expect(readProvider.apply(input({ 'gen_ai.provider.name': 'aws.bedrock' }), fields())).toEqual({
      provider: 'aws.bedrock',
    });
    expect(
      readProvider.apply(
        input({ 'ai.operationId': 'ai.generateText', 'ai.model.provider': 'anthropic.messages' }),
        fields(),
      ),
    ).toEqual({ provider: 'anthropic' });
  });
});

describe('readOperation / markGeneration', () => {
  it.each([
    [{ 'gen_ai.operation.name': 'Chat' }, 'chat', true],
    [{ 'gen_ai.operation.name': 'generate_content' }, 'generate_content', true],
    [{ 'gen_ai.operation.name': 'invoke_agent' }, 'invoke_agent', false],
    [{ 'llm.request.type': 'completion' }, 'text_completion', true],
    [{ 'openinference.span.kind': 'LLM' }, 'chat', true],
    [{ 'openinference.span.kind': 'CHAIN' }, '', false],
    [{ 'openinference.span.kind': 'constructor' }, '', false],
    [{ 'langfuse.observation.type': 'generation' }, 'chat', true],
    [{ 'ai.operationId': 'ai.generateText' }, '', false],
    [{ 'ai.operationId': 'ai.streamObject.doStream' }, 'chat', true],
    [{ 'ai.operationId': 'ai.embedMany.doEmbed' }, 'embeddings', false],
    [{ 'gen_ai.operation.name': 'completion' }, 'text_completion', true],
    [{ 'gen_ai.operation.name': 'generate' }, 'generate_content', true],
    [{ 'gen_ai.operation.name': 'chat.completions' }, 'chat', true],
    [{ 'gen_ai.operation.name': 'embedding' }, 'embeddings', false],
    [{ 'gen_ai.operation.name': 'framework' }, 'framework', false],
    [{ 'llm.request.type': 'acompletion' }, 'chat', true],
    [{ 'genkit:metadata:subtype': 'model' }, 'generate_content', true],
    [{ 'genkit:metadata:subtype': 'flow' }, '', false],
    [{ 'mlflow.spanType': '"CHAT_MODEL"' }, 'chat', true],
    [{ 'mlflow.spanType': '"AGENT"' }, 'invoke_agent', false],
    [{ 'traceloop.span.kind': 'workflow' }, '', false],
  ])('%j → operation %s, generation %s', (attributes, operation, generation) => {
    const op = readOperation.apply(input(attributes), fields());
    expect(op).toEqual({ operation });
    expect(markGeneration.apply(input(attributes), fields({ operation }))).toEqual({ isGeneration: generation });
  });
  it('takes the explicit type in precedence order: Langfuse, OpenInference, GenAI, then the others', () => {
    const op = (attributes: Record<string, string>) => readOperation.apply(input(attributes), fields()).operation;
    expect(op({ 'langfuse.observation.type': 'span', 'gen_ai.operation.name': 'chat' })).toBe('');
    expect(op({ 'openinference.span.kind': 'AGENT', 'gen_ai.operation.name': 'chat' })).toBe('invoke_agent');
    expect(op({ 'gen_ai.operation.name': 'invoke_agent', 'ai.operationId': 'ai.generateText.doGenerate' })).toBe(
      'invoke_agent',
    );
  });
  it('judges only spans without an explicit type by their model and token usage', () => {
    const op = (attributes: Record<string, string>, f: Partial<LlmFields>) =>
      readOperation.apply(input(attributes), fields(f)).operation;
    expect(op({}, { model: 'gemini-2.5-pro', inputTokens: 10, outputTokens: 5 })).toBe('chat');
    expect(op({}, { model: 'text-embedding-3-small', inputTokens: 10 })).toBe('embeddings');
    expect(op({}, { model: 'gpt-4o' })).toBe('');
    expect(op({}, { inputTokens: 10, outputTokens: 5 })).toBe('');
    // A wrapper that repeats the model and the summed usage stays a wrapper.
    expect(op({ 'ai.operationId': 'ai.generateText' }, { model: 'gpt-4o', inputTokens: 10, outputTokens: 5 })).toBe('');
  });
});

describe('readTokens', () => {
  it('reads current, deprecated, OpenInference and Vercel names; "12.0" counts as 12; junk is null', () => {
    expect(
      readTokens.apply(
        input({
          'gen_ai.usage.prompt_tokens': '12.0',
          'llm.token_count.completion': '5',
          'ai.usage.cachedInputTokens': 'x',
        }),
        fields(),
      ),
    ).toEqual({
      inputTokens: 12,
      outputTokens: 5,
      cachedInputTokens: null,
      cacheWriteTokens: null,
      reasoningTokens: null,
    });
  });
  it('reads cache writes and reasoning tokens under both GenAI names and the frameworks’ own', () => {
    const tokens = (attributes: Record<string, string>) => readTokens.apply(input(attributes), fields());
    expect(tokens({ 'gen_ai.usage.cache_creation.input_tokens': '30' })).toMatchObject({ cacheWriteTokens: 30 });
    expect(tokens({ 'gen_ai.usage.cache_write.input_tokens': '31' })).toMatchObject({ cacheWriteTokens: 31 });
    expect(tokens({ 'gen_ai.usage.reasoning.output_tokens': '7' })).toMatchObject({ reasoningTokens: 7 });
    expect(tokens({ 'gen_ai.usage.experimental.reasoning_tokens': '8' })).toMatchObject({ reasoningTokens: 8 });
    expect(tokens({ 'llm.token_count.completion_details.reasoning': '9' })).toMatchObject({ reasoningTokens: 9 });
  });
  it('reads the JSON usage of MLflow, LiveKit and Genkit model actions', () => {
    const tokens = (attributes: Record<string, string>) => readTokens.apply(input(attributes), fields());
    expect(
      tokens({ 'mlflow.chat.tokenUsage': '{"input_tokens":10,"output_tokens":4,"total_tokens":14}' }),
    ).toMatchObject({ inputTokens: 10, outputTokens: 4 });
    expect(
      tokens({ 'lk.llm_metrics': '{"ttft":0.2,"prompt_tokens":50,"completion_tokens":6,"prompt_cached_tokens":32}' }),
    ).toMatchObject({ inputTokens: 50, outputTokens: 6, cachedInputTokens: 32 });
    const usage = '{"usage":{"inputTokens":42,"outputTokens":17,"thoughtsTokens":3,"cachedContentTokens":8}}';
    expect(tokens({ 'genkit:metadata:subtype': 'model', 'genkit:output': usage })).toEqual({
      inputTokens: 42,
      outputTokens: 17,
      cachedInputTokens: 8,
      cacheWriteTokens: null,
      reasoningTokens: 3,
    });
    expect(tokens({ 'genkit:metadata:subtype': 'flow', 'genkit:output': usage })).toMatchObject({ inputTokens: null });
  });
  it('sums Langfuse usage types by prefix', () => {
    expect(
      langfuseUsage({ input: 10, input_cached_tokens: 5, output: 3, output_reasoning_tokens: 2, total: 20 }),
    ).toEqual({
      inputTokens: 15,
      outputTokens: 5,
      cachedInputTokens: 5,
      cacheWriteTokens: null,
      reasoningTokens: 2,
    });
    expect(
      langfuseUsage({
        prompt_tokens: 7,
        completion_tokens: 1,
        cache_read_input_tokens: 4,
        cache_creation_input_tokens: 2,
      }),
    ).toEqual({
      inputTokens: 13,
      outputTokens: 1,
      cachedInputTokens: 4,
      cacheWriteTokens: 2,
      reasoningTokens: null,
    });
    expect(langfuseUsage(undefined)).toEqual({
      inputTokens: null,
      outputTokens: null,
      cachedInputTokens: null,
      cacheWriteTokens: null,
      reasoningTokens: null,
    });
  });
});

describe('readOwnCost / computeCost', () => {
  const prices = priceTable('test', { 'gpt-4o': { input: 2.5, output: 10, cachedInput: 1.25 } });
  it('takes the span cost: Langfuse total, OpenInference parts, OpenLIT', () => {
    expect(
      readOwnCost.apply(input({ 'langfuse.observation.cost_details': '{"input":1,"output":2}' }), fields()),
    ).toEqual({ costUsd: 3 });
    expect(readOwnCost.apply(input({ 'llm.cost.prompt': '0.5', 'llm.cost.completion': '0.25' }), fields())).toEqual({
      costUsd: 0.75,
    });
    expect(readOwnCost.apply(input({ 'gen_ai.usage.cost': '0.01' }), fields())).toEqual({ costUsd: 0.01 });
    expect(readOwnCost.apply(input({}), fields())).toEqual({ costUsd: null });
  });
  it('computes from tokens only when the span has no cost, with cached tokens at their price', () => {
    const step = computeCost(prices);
    expect(
      step.apply(input({}), fields({ model: 'gpt-4o', inputTokens: 1000, cachedInputTokens: 400, outputTokens: 100 })),
    ).toEqual({
      costUsd: (600 * 2.5 + 400 * 1.25 + 100 * 10) / 1e6,
    });
    expect(step.apply(input({}), fields({ model: 'gpt-4o', costUsd: 1, inputTokens: 10 }))).toEqual({});
    expect(step.apply(input({}), fields({ model: 'unknown', inputTokens: 10 }))).toEqual({});
    expect(step.apply(input({}), fields({ model: 'gpt-4o' }))).toEqual({ costUsd: null });
  });
  it('prices the answering model first, and takes MLflow and pydantic-ai costs as the span’s own', () => {
    const step = computeCost(
      priceTable('test', { 'gpt-4o-2024-05-13': { input: 5, output: 15 }, 'gpt-4o': { input: 2.5, output: 10 } }),
    );
    expect(
      step.apply(input({}), fields({ model: 'gpt-4o', responseModel: 'gpt-4o-2024-05-13', inputTokens: 1000 })),
    ).toEqual({ costUsd: (1000 * 5) / 1e6 });
    expect(
      readOwnCost.apply(
        input({ 'mlflow.llm.cost': '{"input_cost":0.1,"output_cost":0.2,"total_cost":0.3}' }),
        fields(),
      ),
    ).toEqual({ costUsd: 0.3 });
    expect(readOwnCost.apply(input({ 'operation.cost': '0.002' }), fields())).toEqual({ costUsd: 0.002 });
  });
});

describe('readTimeToFirstToken', () => {
  const ttft = (attributes: Record<string, string>, startMs = 0) =>
    readTimeToFirstToken.apply(input(attributes, {}, { startTimeUnixNano: BigInt(startMs) * 1_000_000n }), fields())
      .timeToFirstTokenMs;
  it('reads seconds, milliseconds, LiveKit metrics and the Langfuse completion start', () => {
    expect(ttft({ 'gen_ai.response.time_to_first_chunk': '0.25' })).toBe(250);
    expect(ttft({ 'gen_ai.server.time_to_first_token': '1.5' })).toBe(1500);
    expect(ttft({ 'ai.response.msToFirstChunk': '180.5' })).toBe(180.5);
    expect(ttft({ 'lk.llm_metrics': '{"ttft":0.4}' })).toBe(400);
    const start = Date.parse('2026-01-01T00:00:00.000Z');
    expect(ttft({ 'langfuse.observation.completion_start_time': '"2026-01-01T00:00:00.320Z"' }, start)).toBe(320);
  });
  it('is null when the call did not stream or the value makes no sense', () => {
    expect(ttft({})).toBeNull();
    expect(ttft({ 'gen_ai.response.time_to_first_chunk': '-1' })).toBeNull();
    expect(ttft({ 'langfuse.observation.completion_start_time': 'soon' })).toBeNull();
  });
});

describe('readQuality', () => {
  it('averages evaluation events, OpenInference scores and configured keys', () => {
    const event = (score: string) => ({
      timeUnixNano: 1n,
      name: 'gen_ai.evaluation.result',
      attributes: Object.assign(newAttributes(), { 'gen_ai.evaluation.score.value': score }),
    });
    const span = input(
      { 'evaluations.0.evaluation.score': '0.2', 'annotations.3.annotation.label': 'x', 'my.score': '0.9' },
      {},
      { events: [event('1'), event('nope')] },
    );
    expect(readQuality(['my.score']).apply(span, fields()).quality).toBeCloseTo((1 + 0.2 + 0.9) / 3, 12);
    expect(readQuality([]).apply(input({}), fields())).toEqual({ quality: null });
  });
});

describe('markError and the pipeline', () => {
  it('flags Error status only', () => {
    expect(markError.apply(input({}, {}, { statusCode: 'Error' }), fields())).toEqual({ isError: true });
    expect(markError.apply(input({}, {}, { statusCode: 'Ok' }), fields())).toEqual({ isError: false });
  });
  it('runs the steps in a fixed order, cost after model and tokens', () => {
    const options = {
      promptNameKeys: [],
      promptVersionKeys: [],
      environmentKeys: [],
      qualityKeys: [],
      prices: priceTable('t', { m: { input: 1, output: 1 } }),
    };
    const names = normalizeSteps(options).map((s) => s.name);
    expect(names.indexOf('computeCost')).toBeGreaterThan(names.indexOf('readTokens'));
    expect(names.indexOf('markGeneration')).toBeGreaterThan(names.indexOf('readOperation'));
    const normalized = createNormalizer(options)(
      input({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm', 'gen_ai.usage.input_tokens': '1000000' }),
    );
    expect(normalized).toMatchObject({ model: 'm', isGeneration: true, inputTokens: 1_000_000, costUsd: 1 });
  });
});
