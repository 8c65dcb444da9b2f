import { describe, expect, it } from 'vitest';
import type { Timeseries, TimeseriesPoint } from './api-types.js';
import { versionColor } from './colors.js';
import { metricCharts, metricChartsByVersion, totalRequests } from './oncall-series.js';

const point = (minute: number, requests: number, p95: number | null): TimeseriesPoint => ({
  time: new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString(),
  requests,
  errors: 0,
  errorRate: requests ? 0 : null,
  latencyP50Ms: p95 === null ? null : p95 / 2,
  latencyP95Ms: p95,
  latencyP99Ms: p95,
  costPerRequest: null,
  totalCost: 0,
  pricedRequests: 0,
  inputTokensPerRequest: null,
  outputTokensPerRequest: null,
  cacheWriteTokensPerRequest: null,
  reasoningTokensPerRequest: null,
  timeToFirstTokenP50Ms: null,
  timeToFirstTokenP95Ms: null,
  streamedRequests: 0,
  embeddingRequests: 0,
  embeddingCost: 0,
  embeddingLatencyP50Ms: null,
  quality: null,
  qualityLow: null,
  qualityHigh: null,
  scoredCount: 0,
  inferredRequests: 0,
});

const ts = (series: Timeseries['series']): Timeseries => ({
  environment: 'production',
  prompt: 'support',
  from: '2026-01-01T12:00:00.000Z',
  to: '2026-01-01T12:02:00.000Z',
  stepSeconds: 60,
  groupBy: null,
  series,
  deployments: [],
});

describe('on-call charts', () => {
  it('draws latency quantiles, rates, cost, tokens, quality and traffic at the middle of each bucket', () => {
    const charts = metricCharts(ts([{ points: [point(0, 10, 800), point(1, 0, null)] }]));
    expect(charts.map((c) => c.id)).toEqual(['latency', 'errors', 'cost', 'tokens', 'quality', 'requests']);
    const latency = charts[0]!;
    expect(latency.lines.map((l) => l.label)).toEqual(['p50', 'p95', 'p99']);
    expect(latency.lines[1]!.points).toEqual([
      { x: Date.UTC(2026, 0, 1, 12, 0, 30), y: 800 },
      { x: Date.UTC(2026, 0, 1, 12, 1, 30), y: null },
    ]);
  });

  it('splits by version with one line per version in its colour', () => {
    const charts = metricChartsByVersion(
      ts([
        { version: '1', points: [point(0, 90, 800)] },
        { version: '2', points: [point(0, 10, 1600)] },
        { version: '', points: [point(0, 1, 500)] },
      ]),
    );
    const latency = charts[0]!;
    expect(latency.title).toBe('Latency p95 by version (ms)');
    expect(latency.lines.map((l) => [l.label, l.color, l.points[0]!.y])).toEqual([
      ['v1', versionColor(1), 800],
      ['v2', versionColor(2), 1600],
      ['unknown version', '#8a96a3', 500],
    ]);
  });

  it('counts the requests of every series', () => {
    expect(totalRequests(ts([{ points: [point(0, 10, 1), point(1, 5, 1)] }, { points: [point(0, 1, 1)] }]))).toBe(16);
    expect(totalRequests(ts([]))).toBe(0);
  });
});
