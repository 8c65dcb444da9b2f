import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { api, resources } from '@opentelemetry/sdk-node';
import { LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Score } from '../../server/analysis/scores-router.js';
import { waitFor } from '../helpers/wait-for.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { jsonRequest, jsonSpan, keyValues, newSpanId, newTraceId, nowNs, postTraces } from './otlp-request.js';

/**
 * OTLP logs: GenAI events tied to a span are attached to it and evaluation results become named scores of it,
 * whichever arrives first; other records are counted and not stored.
 */
let tl: TestTracelane;
beforeAll(async () => {
  tl = await startTestTracelane({ EVALUATION_LINK_INTERVAL_MS: '200' });
});
afterAll(() => tl.close());

const postLogs = async (body: unknown) => {
  const res = await fetch(`${tl.otlpUrl}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

interface RecordInput {
  eventName?: string;
  traceId?: string;
  spanId?: string;
  attributes?: Parameters<typeof keyValues>[0];
  body?: Record<string, unknown>;
}

const logsRequest = (records: RecordInput[]) => ({
  resourceLogs: [
    {
      resource: { attributes: keyValues({ 'service.name': 'evals' }) },
      scopeLogs: [
        {
          logRecords: records.map((r) => ({
            timeUnixNano: nowNs(),
            severityNumber: 9,
            ...(r.eventName ? { eventName: r.eventName } : {}),
            traceId: r.traceId ?? '',
            spanId: r.spanId ?? '',
            attributes: keyValues(r.attributes),
            ...(r.body ? { body: r.body } : {}),
          })),
        },
      ],
    },
  ],
});

const evaluation = (traceId: string, spanId: string, name: string, value: number | string) => ({
  eventName: 'gen_ai.evaluation.result',
  traceId,
  spanId,
  attributes: {
    'gen_ai.evaluation.name': name,
    ...(typeof value === 'number'
      ? { 'gen_ai.evaluation.score.value': { doubleValue: value } }
      : { 'gen_ai.evaluation.score.label': value }),
    'gen_ai.evaluation.explanation': 'checked against the ticket',
  },
});

const content = (traceId: string, spanId: string) => ({
  eventName: 'gen_ai.client.inference.operation.details',
  traceId,
  spanId,
  attributes: {
    'gen_ai.input.messages': [{ role: 'user', content: 'Where is my refund?' }].map((m) => JSON.stringify(m)),
    'gen_ai.output.messages': 'It was sent yesterday.',
  },
});

/** A chat span with a prompt (what scores are attributed to). */
async function sendSpan(traceId: string, spanId: string) {
  const span = jsonSpan(
    {
      name: 'chat gpt-4o-mini',
      spanId,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.prompt.name': 'refunds',
        'gen_ai.prompt.version': '4',
      },
    },
    traceId,
  );
  expect(
    (await postTraces(tl.otlpUrl, jsonRequest({ 'deployment.environment.name': 'production' }, [span]))).status,
  ).toBe(200);
}

const scoresOf = (traceId: string) =>
  tl.store.query<Pick<Score, 'name' | 'value' | 'environment' | 'prompt' | 'version' | 'comment'> & { source: string }>(
    `SELECT name, value, environment, prompt, version, comment, source FROM scores WHERE trace_id = {t:String} ORDER BY name`,
    { t: traceId },
  );

const eventsOf = async (traceId: string) => {
  const res = await fetch(`${tl.apiUrl}/api/v1/traces/${traceId}`);
  const trace = (await res.json()) as {
    spans: { events: { name: string; source: string; attributes: Record<string, string> }[] }[];
  };
  return trace.spans[0]!.events;
};

describe.each([
  ['the span first', true],
  ['the logs first', false],
])('with %s', (_order, spanFirst) => {
  it('attaches the events to the span and scores it like POST /scores', async () => {
    const traceId = newTraceId();
    const spanId = newSpanId();
    if (spanFirst) await sendSpan(traceId, spanId);
    const res = await postLogs(
      logsRequest([
        evaluation(traceId, spanId, 'helpfulness', 0.75),
        evaluation(traceId, spanId, 'grounded', 'pass'),
        content(traceId, spanId),
      ]),
    );
    expect(res).toEqual({ status: 200, body: {} });
    if (!spanFirst) await sendSpan(traceId, spanId);

    const scores = await waitFor('both scores', async () => {
      const rows = await scoresOf(traceId);
      return rows.length === 2 ? rows : undefined;
    });
    expect(scores).toEqual([
      {
        name: 'grounded',
        value: 1,
        environment: 'production',
        prompt: 'refunds',
        version: '4',
        comment: 'checked against the ticket',
        source: 'evaluator',
      },
      {
        name: 'helpfulness',
        value: 0.75,
        environment: 'production',
        prompt: 'refunds',
        version: '4',
        comment: 'checked against the ticket',
        source: 'evaluator',
      },
    ]);
    const events = await eventsOf(traceId);
    expect(events.map((e) => [e.name, e.source])).toEqual([
      ['gen_ai.evaluation.result', 'log'],
      ['gen_ai.evaluation.result', 'log'],
      ['gen_ai.client.inference.operation.details', 'log'],
    ]);
    expect(events[2]!.attributes['gen_ai.output.messages']).toBe('It was sent yesterday.');
  });
});

it('scores an evaluation sent twice (a retried export) once, and shows it once', async () => {
  const traceId = newTraceId();
  const spanId = newSpanId();
  await sendSpan(traceId, spanId);
  const body = logsRequest([evaluation(traceId, spanId, 'tone', 0.5)]);
  await postLogs(body);
  await postLogs(body);
  await waitFor('the score', async () => ((await scoresOf(traceId)).length > 0 ? true : undefined));
  const counted = await waitFor('the linker to pass again', async () => {
    const health = (await (await fetch(`${tl.apiUrl}/api/v1/health`)).json()) as {
      collector: { pendingEvaluations: number };
    };
    return health.collector.pendingEvaluations === 0 ? true : undefined;
  });
  expect(counted).toBe(true);
  expect(await scoresOf(traceId)).toHaveLength(1);
  expect(await eventsOf(traceId)).toHaveLength(1);
});

it('counts and drops unrelated and unlinked records, rejects malformed ones, and does not score a trace without a prompt', async () => {
  const before = await metricsText();
  const traceId = newTraceId();
  const spanId = newSpanId();
  await postTraces(tl.otlpUrl, jsonRequest({}, [jsonSpan({ name: 'no prompt here', spanId }, traceId)]));
  const res = await postLogs({
    resourceLogs: [
      {
        scopeLogs: [
          {
            logRecords: [
              { body: { stringValue: 'GET /health 200' }, traceId, spanId },
              {
                eventName: 'gen_ai.evaluation.result',
                attributes: keyValues({ 'gen_ai.evaluation.name': 'x', 'gen_ai.evaluation.score.value': 1 }),
              },
              { eventName: 'gen_ai.evaluation.result', traceId, spanId, timeUnixNano: 'yesterday' },
              ...logsRequest([evaluation(traceId, spanId, 'orphan', 0.3)]).resourceLogs[0]!.scopeLogs[0]!.logRecords,
            ],
          },
        ],
      },
    ],
  });
  expect(res.status).toBe(200);
  const partial = res.body.partialSuccess as { rejectedLogRecords: string; errorMessage: string };
  expect(partial.rejectedLogRecords).toBe('1');
  expect(partial.errorMessage).toContain(
    'resourceLogs[0].scopeLogs[0].logRecords[2].timeUnixNano: expected an unsigned 64-bit integer',
  );
  await waitFor('the evaluation to be found unscorable', async () =>
    (await metric('tracelane_collector_evaluation_scores_total{outcome="no_prompt"}')) >
    metricOf(before, 'tracelane_collector_evaluation_scores_total{outcome="no_prompt"}')
      ? true
      : undefined,
  );
  const after = await metricsText();
  const delta = (name: string) => metricOf(after, name) - metricOf(before, name);
  expect(delta('tracelane_collector_log_records_dropped_total{reason="unrelated"}')).toBe(1);
  expect(delta('tracelane_collector_log_records_dropped_total{reason="unlinked"}')).toBe(1);
  expect(delta('tracelane_collector_log_records_dropped_total{reason="malformed"}')).toBe(1);
  expect(delta('tracelane_collector_log_records_stored_total{kind="score"}')).toBe(1);
  expect(await scoresOf(traceId)).toEqual([]);
});

const metricsText = async () => (await fetch(`${tl.otlpUrl}/metrics`)).text();
const metricOf = (text: string, name: string) =>
  Number(
    text
      .split('\n')
      .find((l) => l.startsWith(name + ' '))
      ?.split(' ')[1] ?? NaN,
  );
const metric = async (name: string) => metricOf(await metricsText(), name);

describe.each([
  ['OTLP/HTTP protobuf', () => new ProtoLogExporter({ url: `${tl.otlpUrl}/v1/logs` })],
  ['OTLP/gRPC', () => new GrpcLogExporter({ url: `http://${tl.otlpGrpcAddress}` })],
])('the official OpenTelemetry log exporter over %s', (_name, exporter: () => LogRecordExporter) => {
  it('sends an evaluation event of a span that becomes its score', async () => {
    const traceId = newTraceId();
    const spanId = newSpanId();
    await sendSpan(traceId, spanId);
    const provider = new LoggerProvider({
      resource: resources.resourceFromAttributes({ 'service.name': 'evaluator' }),
      processors: [new SimpleLogRecordProcessor({ exporter: exporter() })],
    });
    const context = api.trace.setSpanContext(api.ROOT_CONTEXT, { traceId, spanId, traceFlags: 1 });
    provider.getLogger('evals').emit({
      eventName: 'gen_ai.evaluation.result',
      context,
      attributes: { 'gen_ai.evaluation.name': 'relevance', 'gen_ai.evaluation.score.value': 0.9 },
    });
    await provider.forceFlush();
    await provider.shutdown();
    const [score] = await waitFor('the score', async () => {
      const rows = await scoresOf(traceId);
      return rows.length > 0 ? rows : undefined;
    });
    expect(score).toMatchObject({ name: 'relevance', value: 0.9, prompt: 'refunds' });
  });
});
