import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { api, resources } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MissingVariablesError,
  Tracelane,
  TracelaneError,
  type DeploymentChange,
} from '../../clients/typescript/src/index.js';
import { PromptSpanProcessor, withPrompt } from '../../clients/typescript/src/otel.js';
import type { Resolution } from '../../server/registry/resolve.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';
import { client, enc, promptWithVersions, versionBody, type Client } from '../registry/registry-client.js';

/**
 * The TypeScript client against a real Tracelane (with API keys, so every call and the event stream authenticate):
 * resolve and revalidation, rollback through the stream, canary stickiness, fallback, render errors, tagging
 * through the real OpenTelemetry SDK and OTLP exporter, and scores.
 */
let tl: TestTracelane;
let admin: Client;
const clients: Tracelane[] = [];
const errors: TracelaneError[] = [];

beforeAll(async () => {
  tl = await startTestTracelane({ API_KEYS: 'admin:admin:a,app:deployer:d,feedback:scorer:s,reader:viewer:v' });
  admin = client(tl.apiUrl, 'a');
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await tl.close();
});

/** A client of this server (closed after the file); `requests` records every call it makes. */
function connect(options: Partial<ConstructorParameters<typeof Tracelane>[0]> = {}) {
  const requests: { path: string; ifNoneMatch: string | null; status: number }[] = [];
  const changes: DeploymentChange[] = [];
  const recording: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : input);
    const ifNoneMatch = new Headers(init?.headers).get('if-none-match');
    requests.push({ path: url.pathname + url.search, ifNoneMatch, status: res.status });
    return res;
  };
  const tracelane = new Tracelane({
    url: tl.apiUrl,
    apiKey: 'd',
    fetch: recording,
    onChange: (change) => changes.push(change),
    onError: (error) => errors.push(error),
    ...options,
  });
  clients.push(tracelane);
  return { tracelane, requests, changes };
}

async function deployed(versions: number, deployments: Record<string, unknown>[]): Promise<string> {
  const prompt = await promptWithVersions(admin, versions, 'client');
  for (const body of deployments) {
    const res = await admin.post('/api/v1/deployments', { prompt, environment: 'production', ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  return prompt;
}

describe('TypeScript client', () => {
  it('resolves once, answers from memory, and revalidates with If-None-Match (304)', async () => {
    const prompt = await deployed(2, [{ version: 1 }, { version: 2 }]);
    const { tracelane, requests } = connect({ stream: false, refreshIntervalMs: 100 });
    const first = await tracelane.getPrompt(prompt, { environment: 'production' });
    expect(first).toMatchObject({ name: prompt, environment: 'production', version: 2, arm: 'stable' });
    expect(first).toMatchObject({ status: 'fresh', model: 'gpt-4o-mini', provider: 'openai' });
    expect(first.settings).toEqual({ temperature: 0.2 });
    expect(first.confirmedAt?.getTime()).toBeGreaterThan(Date.now() - 60_000);
    const resolves = () => requests.filter((r) => r.path.includes('/resolve'));
    expect(resolves()).toEqual([
      { path: expect.stringContaining(enc(prompt)) as string, ifNoneMatch: null, status: 200 },
    ]);

    for (let i = 0; i < 50; i++) await tracelane.getPrompt(prompt, { environment: 'production' });
    const revalidated = await waitFor('a revalidation answered 304', () => resolves().find((r) => r.status === 304));
    expect(revalidated.ifNoneMatch).toMatch(/^"[\w-]+"$/);
    expect(resolves().length).toBeLessThan(50); // the 50 calls above were answered from memory
    expect((await tracelane.getPrompt(prompt, { environment: 'production' })).status).toBe('fresh');
  });

  it('picks up a rollback within a second through the event stream', async () => {
    const prompt = await deployed(2, [{ version: 1 }, { version: 2 }]);
    const { tracelane, changes } = connect({ refreshIntervalMs: 600_000 }); // only the stream can explain a switch
    expect((await tracelane.getPrompt(prompt, { environment: 'production' })).version).toBe(2);
    await waitFor('the event stream', () => (tracelane.stats().streaming ? true : undefined));

    const rollback = await admin.post('/api/v1/deployments/rollback', { prompt, environment: 'production' });
    expect(rollback.status).toBe(201);
    const rolledBackAt = Date.now();
    await waitFor(
      'the client to serve version 1',
      async () => ((await tracelane.getPrompt(prompt, { environment: 'production' })).version === 1 ? true : undefined),
      1000,
    );
    expect(Date.now() - rolledBackAt).toBeLessThan(1000);
    expect(changes.filter((c) => c.prompt === prompt).map((c) => c.version)).toEqual([2, 1]);
  });

  it('keeps each key on the arm the server assigns it during a canary, and follows the promotion', async () => {
    const prompt = await deployed(2, [{ version: 1 }, { version: 2, canaryPercent: 50 }]);
    const { tracelane, requests } = connect();
    const keys = Array.from({ length: 30 }, (_, i) => `user-${i}`);
    const arms = new Map<string, string>();
    for (const key of keys) {
      const served = await tracelane.getPrompt(prompt, { environment: 'production', key });
      const server = await admin.get<Resolution>(
        `/api/v1/prompts/${enc(prompt)}/resolve?environment=production&key=${key}`,
      );
      expect([served.arm, served.version]).toEqual([server.body.arm, server.body.version]);
      arms.set(key, served.arm);
    }
    expect(new Set(arms.values())).toEqual(new Set(['stable', 'canary']));
    const before = requests.length;
    for (const key of keys) {
      expect((await tracelane.getPrompt(prompt, { environment: 'production', key })).arm).toBe(arms.get(key));
    }
    expect(requests.length).toBe(before); // each key was asked once
    const keyless = await Promise.all(
      Array.from({ length: 200 }, () => tracelane.getPrompt(prompt, { environment: 'production' })),
    );
    const canaryShare = keyless.filter((p) => p.arm === 'canary').length / keyless.length;
    expect(canaryShare).toBeGreaterThan(0.3);
    expect(canaryShare).toBeLessThan(0.7);
    expect(keyless.every((p) => p.version === (p.arm === 'canary' ? 2 : 1))).toBe(true);

    const [canary] = (await admin.get<{ deployments: { id: string }[] }>(`/api/v1/deployments?prompt=${enc(prompt)}`))
      .body.deployments;
    expect((await admin.post(`/api/v1/deployments/${canary?.id}/promote`, {})).status).toBe(201);
    await waitFor('every key on version 2', async () => {
      const served = await Promise.all(
        keys.map((key) => tracelane.getPrompt(prompt, { environment: 'production', key })),
      );
      return served.every((p) => p.version === 2 && p.arm === 'stable') ? true : undefined;
    });
  });

  it('serves the fallback snapshot when nothing was ever resolved, then the deployed version', async () => {
    const prompt = await promptWithVersions(admin, 1, 'client');
    const fallback = {
      version: 7,
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Q: {{question}}' }],
      variables: ['question'],
    };
    const { tracelane } = connect();
    const served = await tracelane.getPrompt(prompt, { environment: 'production', fallback });
    expect(served).toMatchObject({ status: 'fallback', version: 7, confirmedAt: null, arm: 'stable' });
    expect(served.render({ question: 'why?' }).messages).toEqual([{ role: 'user', content: 'Q: why?' }]);
    await expect(tracelane.getPrompt(prompt, { environment: 'staging' })).rejects.toMatchObject({
      status: 404,
      field: 'environment',
    });

    await waitFor('the event stream', () => (tracelane.stats().streaming ? true : undefined));
    await admin.post('/api/v1/deployments', { prompt, environment: 'production', version: 1 });
    const deployed = await waitFor('the deployed version', async () => {
      const p = await tracelane.getPrompt(prompt, { environment: 'production', fallback });
      return p.status === 'fresh' ? p : undefined;
    });
    expect(deployed.version).toBe(1);

    const { tracelane: nowhere, requests } = connect({ url: 'http://127.0.0.1:9', maxRetries: 0 });
    for (let i = 0; i < 300; i++) {
      expect((await nowhere.getPrompt(prompt, { environment: 'production', fallback })).status).toBe('fallback');
    }
    expect(requests.length).toBeLessThan(5); // the hot path does not hammer an unreachable Tracelane
    const failure = await nowhere.getPrompt(prompt, { environment: 'qa' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TracelaneError);
    expect((failure as TracelaneError).status).toBeNull();
  });

  it('renders with the registry rules and names every missing variable', async () => {
    const prompt = await promptWithVersions(admin, 0, 'client');
    const tools = [{ type: 'function', function: { name: 'route', parameters: { type: 'object' } } }];
    const responseSchema = { type: 'object', properties: { team: { type: 'string' } } };
    const body = versionBody(1, {
      messages: [
        { role: 'system', content: 'Tone: {{tone}}. Team list: {{teams}}' },
        { role: 'user', content: '{{subject}}\n{{body}}' },
      ],
      variables: [{ name: 'tone', default: 'polite' }, 'teams', 'subject', 'body'],
      tools,
      responseSchema,
    });
    await admin.post(`/api/v1/prompts/${enc(prompt)}/versions`, body);
    await admin.post('/api/v1/deployments', { prompt, environment: 'production', version: 1 });
    const { tracelane } = connect();
    const served = await tracelane.getPrompt(prompt, { environment: 'production' });

    const error = (() => {
      try {
        served.render({ subject: 'Refund' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(MissingVariablesError);
    expect((error as MissingVariablesError).variables).toEqual(['teams', 'body']);
    expect((error as Error).message).toBe('variables: missing values for teams, body');

    const rendered = served.render({ teams: ['billing', 'auth'], subject: 'Refund', body: 'Charged twice', extra: 1 });
    expect(rendered).toEqual({
      messages: [
        { role: 'system', content: 'Tone: polite. Team list: ["billing","auth"]' },
        { role: 'user', content: 'Refund\nCharged twice' },
      ],
      unusedValues: ['extra'],
      provider: 'openai',
      model: 'gpt-4o-mini',
      settings: { temperature: 0.2 },
      tools,
      responseSchema,
    });
    expect(() => (served.messages as unknown[]).push('x')).toThrow(TypeError); // what was served cannot change
  });

  it('tags the LLM span started inside withPrompt, which reaches the collector with the served version', async () => {
    const prompt = await deployed(3, [{ version: 3 }]);
    const { tracelane } = connect();
    const served = await tracelane.getPrompt(prompt, { environment: 'production', key: 'user-1' });
    const contextManager = new AsyncLocalStorageContextManager().enable();
    api.context.setGlobalContextManager(contextManager);
    const provider = new TracerProvider({
      resource: resources.resourceFromAttributes({ 'service.name': 'client-test' }),
      spanProcessors: [
        new PromptSpanProcessor(),
        new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${tl.otlpUrl}/v1/traces` }) }),
      ],
    });
    const tracer = provider.getTracer('client-test');
    const traceId = await tracer.startActiveSpan('POST /answer', async (root) => {
      // What an instrumentation library does inside the application's call: its own span, in the active context.
      await withPrompt(served, async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        tracer
          .startSpan('chat gpt-4o-mini', {
            kind: api.SpanKind.CLIENT,
            attributes: {
              'gen_ai.operation.name': 'chat',
              'gen_ai.request.model': 'gpt-4o-mini',
              'gen_ai.usage.input_tokens': 120,
              'gen_ai.usage.output_tokens': 30,
            },
          })
          .end();
      });
      root.end();
      return root.spanContext().traceId;
    });
    tracer.startSpan('outside').end();
    await provider.forceFlush();
    await provider.shutdown();
    api.context.disable();

    interface ApiSpan {
      name: string;
      attributes: Record<string, string>;
      llm: Record<string, unknown>;
    }
    const spans = await waitFor('the trace', async () => {
      const res = await fetch(`${tl.apiUrl}/api/v1/traces/${traceId}`, { headers: { authorization: 'Bearer v' } });
      return res.ok ? ((await res.json()) as { spans: ApiSpan[] }).spans : undefined;
    });
    const chat = spans.find((s) => s.name === 'chat gpt-4o-mini');
    expect(chat?.llm).toMatchObject({
      promptName: prompt,
      promptVersion: '3',
      versionInferred: false,
      environment: 'production',
      isGeneration: true,
    });
    expect(chat?.attributes).toMatchObject({ 'tracelane.prompt.arm': 'stable', 'tracelane.prompt.status': 'fresh' });
    const root = spans.find((s) => s.name === 'POST /answer');
    expect(root?.attributes).toMatchObject({ 'gen_ai.prompt.name': prompt, 'gen_ai.prompt.version': '3' });
  });

  it('sends scores in the background and retries until their trace has arrived', async () => {
    const prompt = await deployed(1, [{ version: 1 }]);
    const { tracelane, requests } = connect({ apiKey: 's' }); // a scorer key: resolves and scores, cannot deploy
    const served = await tracelane.getPrompt(prompt, { environment: 'production' });
    const provider = new TracerProvider({
      spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${tl.otlpUrl}/v1/traces` }) })],
    });
    const span = provider.getTracer('client-test').startSpan('chat gpt-4o-mini', {
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', ...served.attributes() },
    });
    span.end();
    tracelane.score(span, 'thumbs', true, { comment: 'right team' }); // before the span was exported: a 404 first
    expect(tracelane.stats().scores.pending).toBe(1);
    expect(() => tracelane.score('not-a-trace', 'thumbs', 1)).toThrow(/traceId/);
    expect(() => tracelane.score(span, 'thumbs', 2)).toThrow(RangeError);
    const scoreAnswers = () => requests.filter((r) => r.path === '/api/v1/scores').map((r) => r.status);
    await waitFor('the first attempt', () => (scoreAnswers().length > 0 ? true : undefined));
    await provider.forceFlush();
    await tracelane.flush();
    expect(tracelane.stats().scores).toEqual({ pending: 0, sent: 1, dropped: 0 });
    expect(scoreAnswers()[0]).toBe(404);
    expect(scoreAnswers().at(-1)).toBe(201);
    const rows = await tl.store.query<{ prompt: string; version: string; value: number; comment: string }>(
      'SELECT prompt, version, value, comment FROM scores WHERE trace_id = {t:String}',
      { t: span.spanContext().traceId },
    );
    expect(rows).toEqual([{ prompt, version: '1', value: 1, comment: 'right team' }]);

    const reader = connect({ apiKey: 'v' }).tracelane; // a viewer may not score: refused, dropped and reported
    reader.score(span, 'thumbs', false);
    await reader.flush();
    expect(reader.stats().scores).toEqual({ pending: 0, sent: 0, dropped: 1 });
    expect(errors.some((e) => e.status === 403 && e.message.includes('dropped'))).toBe(true);
  });
});
