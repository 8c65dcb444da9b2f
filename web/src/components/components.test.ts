import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import type { DeploymentAnalysis, TraceSpan, VersionDiff as Diff } from '../lib/api-types.js';
import AnalysisTable from './AnalysisTable.svelte';
import SpanDetails from './SpanDetails.svelte';
import VerdictBadge from './VerdictBadge.svelte';
import VersionDiff from './VersionDiff.svelte';

/** Components rendered to HTML (svelte/server): what they show, and that user data stays text. */
const SCRIPT = '<script>window.__xss=1</script>';
const IMG = '<img src=x onerror="window.__xss=1">';

const span = (overrides: Partial<TraceSpan> = {}): TraceSpan => ({
  traceId: 'a'.repeat(32),
  spanId: 'b'.repeat(16),
  parentSpanId: '',
  traceState: '',
  name: IMG,
  kind: 'Client',
  serviceName: 'support-app',
  scope: { name: 'test', version: '1' },
  start: '2026-01-01T12:00:00.000Z',
  startUnixNano: '1767268800000000000',
  durationNs: 812_000_000,
  durationMs: 812,
  status: { code: 'Error', message: SCRIPT },
  attributes: { 'user.comment': SCRIPT, 'gen_ai.prompt.0.content': IMG, 'gen_ai.completion.0.content': 'Hello' },
  resourceAttributes: { 'service.name': 'support-app' },
  events: [],
  links: [],
  llm: {
    environment: 'production',
    promptName: 'support',
    promptVersion: '2',
    versionInferred: true,
    model: 'gpt-4o-mini',
    requestModel: 'gpt-4o-mini',
    responseModel: 'gpt-4o-mini-2024-07-18',
    provider: 'openai',
    operation: 'chat',
    isGeneration: true,
    inputTokens: 1200,
    outputTokens: 80,
    cachedInputTokens: null,
    cacheWriteTokens: null,
    reasoningTokens: null,
    timeToFirstTokenMs: null,
    costUsd: 0.00042,
    quality: 0.9,
    isError: true,
  },
  ...overrides,
});

describe('SpanDetails', () => {
  it('escapes span names, attributes, status messages and captured content', () => {
    const { body } = render(SpanDetails, { props: { span: span() } });
    expect(body).not.toContain('<script>window');
    expect(body).not.toContain('<img src=x');
    expect(body).toContain('&lt;script>window.__xss=1&lt;/script>');
    expect(body).toContain('&lt;img src=x onerror="window.__xss=1">');
  });

  it('shows what was understood: prompt and inferred version, model, tokens, cost, quality', () => {
    const { body } = render(SpanDetails, { props: { span: span({ name: 'chat' }) } });
    expect(body).toContain('version inferred from the deployment history');
    expect(body).toContain('openai / gpt-4o-mini');
    expect(body).toContain('1,200 in / 80 out');
    expect(body).toContain('$0.00042');
    expect(body).toContain('0.900');
    expect(body).toContain('Hello');
  });
});

describe('AnalysisTable', () => {
  const analysis = {
    deploymentId: 'd2',
    environment: 'production',
    prompt: 'support',
    kind: 'deploy',
    version: 2,
    previousVersion: 1,
    deployedAt: '2026-01-01T12:00:00.000Z',
    evaluatedAt: '2026-01-01T12:30:00.000Z',
    mode: 'before_after',
    verdict: 'fail',
    reason: 'critical regression: p95 latency 800 ms → 1600 ms',
    final: false,
    complete: true,
    bakeEnded: false,
    windowEnd: '2026-01-01T12:30:00.000Z',
    failing: ['latency_p95'],
    warning: [],
    pending: [],
    decisive: true,
    collecting: null,
    lateData: false,
    baseline: {
      version: 1,
      from: '2026-01-01T11:30:00.000Z',
      to: '2026-01-01T12:00:00.000Z',
      requests: 2400,
      description: 'v1 before',
    },
    candidate: {
      version: 2,
      from: '2026-01-01T12:02:00.000Z',
      to: '2026-01-01T12:30:00.000Z',
      requests: 2300,
      description: 'v2 after',
    },
    driftCorrection: false,
    worstMetric: null,
    metrics: [
      {
        name: 'quality',
        verdict: 'pass',
        critical: true,
        mode: 'sequential',
        n: { baseline: 600, candidate: 580 },
        baseline: 0.85,
        candidate: 0.84,
        effect: -0.01,
        effectKind: 'difference',
        change: -0.01,
        test: 'Welch t-test',
        pValue: 0.2,
        alpha: { warn: 0.05, fail: 0.05 },
        threshold: { warn: -0.03, fail: -0.08 },
        reason: 'quality unchanged',
      },
      {
        name: 'latency_p95',
        verdict: 'fail',
        critical: true,
        mode: 'sequential',
        n: { baseline: 2400, candidate: 2300 },
        baseline: 800,
        candidate: 1600,
        effect: 2,
        effectKind: 'ratio',
        change: 800,
        test: 'mSPRT',
        eValue: 1.2e9,
        alpha: { warn: 0.05, fail: 0.05 },
        threshold: { warn: 1.15, fail: 1.5 },
        reason: 'p95 latency 800 ms → 1600 ms',
      },
    ],
    configProblem: null,
    stored: true,
    history: [],
    lastKnownGood: null,
  } satisfies DeploymentAnalysis;

  it('puts failing metrics first with both estimates, n, effect, test and thresholds', () => {
    const { body } = render(AnalysisTable, { props: { analysis } });
    expect(body.indexOf('Latency p95')).toBeLessThan(body.indexOf('Quality'));
    for (const text of [
      '800 ms',
      '1.60 s',
      'n=2400',
      'n=2300',
      '×2.00',
      'mSPRT',
      'e = 1.20e+9',
      'warn ×1.15, fail ×1.50',
    ]) {
      expect(body).toContain(text);
    }
    expect(body).toContain('−0.010');
    expect(body).toContain('2,400 requests');
  });
});

describe('VersionDiff', () => {
  it('lays changed message lines side by side and escapes them', () => {
    const diff: Diff = {
      prompt: 'support',
      from: { version: 1, environment: 'production' },
      to: { version: 2, environment: null },
      identical: false,
      changes: {
        provider: null,
        model: { from: 'gpt-4o-mini', to: 'gpt-4o' },
        settings: [{ key: 'temperature', change: 'changed', from: 0.2, to: 0.7 }],
        messages: [
          {
            index: 0,
            change: 'changed',
            from: { role: 'system', content: 'Be brief.' },
            to: { role: 'system', content: SCRIPT },
            lines: [
              { op: 'remove', text: 'Be brief.' },
              { op: 'add', text: SCRIPT },
            ],
          },
        ],
        variables: [],
        tools: [],
        responseSchema: null,
        mcpServers: [],
        metadata: [],
      },
    };
    const { body } = render(VersionDiff, { props: { diff } });
    expect(body).toContain('(production)');
    expect(body).toContain('gpt-4o-mini');
    expect(body).toContain('temperature');
    expect(body).toMatch(/class="line remove[^"]*"[^>]*>Be brief\./);
    expect(body).toContain('&lt;script>window.__xss=1&lt;/script>');
    expect(body).not.toContain('<script>window');
  });
});

describe('VerdictBadge', () => {
  it('names each verdict and renders nothing while loading', () => {
    expect(render(VerdictBadge, { props: { verdict: 'fail' } }).body).toContain('failing');
    expect(render(VerdictBadge, { props: { verdict: 'none' } }).body).toContain('no verdict');
    expect(render(VerdictBadge, { props: { verdict: undefined } }).body).not.toContain('badge');
  });
});

describe('every component', () => {
  it('renders user data as text: no {@html} and no innerHTML anywhere in the UI', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(
      (f) => /\.(svelte|ts)$/.test(f) && !f.endsWith('.test.ts'),
    );
    expect(files.length).toBeGreaterThan(30);
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8');
      expect(text, file).not.toMatch(/\{@html|innerHTML|outerHTML|insertAdjacentHTML/);
    }
  });
});
