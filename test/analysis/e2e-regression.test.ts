import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { api, resources, tracing } from '@opentelemetry/sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisResponse } from '../../server/analysis/analysis-router.js';
import type { DeploymentEvent } from '../../server/registry/deployment-event.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';
import { getJson, query } from './http.js';
import { RegistryFixture } from './registry-fixture.js';
import { hex } from './span-factory.js';
import { BASE_PROFILE, drawRequest, seededRandom, type TrafficProfile } from './traffic.js';

/**
 * End to end, nothing placed in the store by hand: an application instrumented with the OpenTelemetry SDK sends
 * GenAI spans over OTLP/protobuf for version 1, then for version 2 with planted regressions (quality −0.15, cost
 * ×1.6); the deployments are recorded through the registry API; the running analysis loop judges version 2 `fail`
 * on quality and cost and `pass` on the unchanged metrics, rolls it back by itself, and resolve returns version 1.
 */
let tl: TestTracelane;
const MIN = 60_000;
const SWITCH = Date.now() - 25 * MIN;
const env = `e2e-${hex(4)}`;
const prompt = `support-${hex(4)}`;
const PER_MINUTE = 110;

interface Deployments {
  deployments: DeploymentEvent[];
}

const hr = (ms: number): api.HrTime => [Math.floor(ms / 1000), (ms % 1000) * 1e6];

async function sendTraffic(version: string, from: number, to: number, profile: TrafficProfile, seed: number) {
  const provider = new tracing.BasicTracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': 'support-app', 'deployment.environment.name': env }),
    spanProcessors: [
      new tracing.BatchSpanProcessor(new OTLPTraceExporter({ url: `${tl.otlpUrl}/v1/traces`, timeoutMillis: 60_000 }), {
        maxQueueSize: 20_000,
        maxExportBatchSize: 512,
      }),
    ],
  });
  const tracer = provider.getTracer('e2e');
  const random = seededRandom(seed);
  for (let t = from; t < to; t += MIN / PER_MINUTE) {
    const r = drawRequest(random, profile);
    const span = tracer.startSpan('chat gpt-4o-mini', {
      kind: api.SpanKind.CLIENT,
      startTime: hr(t),
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.prompt.name': prompt,
        'gen_ai.prompt.version': version,
        'gen_ai.usage.input_tokens': r.inputTokens,
        'gen_ai.usage.output_tokens': r.outputTokens,
        'gen_ai.usage.cost': r.costUsd,
      },
    });
    span.addEvent('gen_ai.evaluation.result', { 'gen_ai.evaluation.score.value': r.quality }, hr(t + r.latencyMs / 2));
    if (r.error) span.setStatus({ code: api.SpanStatusCode.ERROR, message: 'upstream 500' });
    span.end(hr(t + r.latencyMs));
  }
  await provider.forceFlush();
  await provider.shutdown();
}

beforeAll(async () => {
  tl = await startTestTracelane({ ANALYSIS_INTERVAL_MS: '200' });
  const registry = new RegistryFixture(tl.apiUrl);
  await registry.prompt(prompt, 2);
  await registry.environment(env, { autoRollback: true, detector: { minMinutesBeforeAutoRollback: 5 } });
  await sendTraffic('1', SWITCH - 25 * MIN, SWITCH, BASE_PROFILE, 11);
  const regressed = { ...BASE_PROFILE, quality: BASE_PROFILE.quality - 0.15, costUsd: BASE_PROFILE.costUsd * 1.6 };
  await sendTraffic('2', SWITCH, Date.now() - 10_000, regressed, 12);
  await registry.external(prompt, env, 1, SWITCH - 180 * MIN);
  await registry.external(prompt, env, 2, SWITCH);
}, 180_000);

afterAll(async () => {
  await tl?.close();
});

describe('a regressed deployment, end to end', () => {
  it('is rolled back automatically and judged fail on the right metrics', async () => {
    const rollback = await waitFor('the automatic rollback', async () => {
      const { body } = await getJson<Deployments>(
        tl.apiUrl,
        `/api/v1/deployments?${query({ prompt, environment: env })}`,
      );
      return body.deployments.find((e) => e.kind === 'rollback');
    });
    expect(rollback).toMatchObject({ kind: 'rollback', version: 1, actor: 'auto-rollback' });
    expect(rollback.reason).toMatch(/consecutive failing evaluations/);
    expect(rollback.reason).toMatch(/quality 0\.\d+ → 0\.\d+ \(−0\.1\d+\)/);

    const resolved = await getJson<{ version: number }>(
      tl.apiUrl,
      `/api/v1/prompts/${prompt}/resolve?${query({ environment: env })}`,
    );
    expect(resolved.status).toBe(200);
    expect(resolved.body.version).toBe(1);

    const deployments = await getJson<Deployments>(
      tl.apiUrl,
      `/api/v1/deployments?${query({ prompt, environment: env, kind: 'external' })}`,
    );
    const v2 = deployments.body.deployments.find((e) => e.version === 2)!;
    const { body: analysis } = await getJson<AnalysisResponse>(tl.apiUrl, `/api/v1/deployments/${v2.id}/analysis`);
    expect(analysis.verdict).toBe('fail');
    expect(analysis.failing).toEqual(['quality']);
    const verdicts = Object.fromEntries(analysis.metrics.map((m) => [m.name, m.verdict]));
    expect(verdicts).toMatchObject({
      quality: 'fail',
      cost_per_request: 'fail',
      error_rate: 'pass',
      latency_p50: 'pass',
      latency_p95: 'pass',
      input_tokens: 'pass',
      output_tokens: 'pass',
    });
    const failing = analysis.history.filter((h) => h.verdict === 'fail');
    expect(failing.length).toBeGreaterThanOrEqual(2);
  });
});
