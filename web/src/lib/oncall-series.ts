import type { Timeseries, TimeseriesPoint } from './api-types.js';
import { SERIES, versionColor } from './colors.js';
import type { Unit } from './units.js';

/** One stacked chart of the on-call view: its title, unit and lines. */
export interface MetricChart {
  id: string;
  title: string;
  unit: Unit;
  lines: { label: string; color: string; dash?: number[]; points: { x: number; y: number | null }[] }[];
}

type Pick = (p: TimeseriesPoint) => number | null;

interface ChartDef {
  id: string;
  title: string;
  unit: Unit;
  lines: { label: string; color: string; dash?: number[]; pick: Pick }[];
  /** Split by version: one line per version of this value. */
  perVersion: { title: string; pick: Pick };
}

const CI_COLOR = '#9fb6d6';

const LINE_DEFS: ChartDef[] = [
  {
    id: 'latency',
    title: 'Latency (ms)',
    unit: 'ms',
    lines: [
      { label: 'p50', color: SERIES.p50, pick: (p) => p.latencyP50Ms },
      { label: 'p95', color: SERIES.p95, pick: (p) => p.latencyP95Ms },
      { label: 'p99', color: SERIES.p99, pick: (p) => p.latencyP99Ms },
    ],
    perVersion: { title: 'Latency p95 by version (ms)', pick: (p) => p.latencyP95Ms },
  },
  {
    id: 'errors',
    title: 'Error rate (%)',
    unit: 'percent',
    lines: [{ label: 'error rate', color: SERIES.errors, pick: (p) => p.errorRate }],
    perVersion: { title: 'Error rate by version (%)', pick: (p) => p.errorRate },
  },
  {
    id: 'cost',
    title: 'Cost per request ($)',
    unit: 'usd',
    lines: [{ label: 'cost / request', color: SERIES.cost, pick: (p) => p.costPerRequest }],
    perVersion: { title: 'Cost per request by version ($)', pick: (p) => p.costPerRequest },
  },
  {
    id: 'tokens',
    title: 'Tokens per request',
    unit: 'tokens',
    lines: [
      { label: 'input', color: SERIES.input, pick: (p) => p.inputTokensPerRequest },
      { label: 'output', color: SERIES.output, pick: (p) => p.outputTokensPerRequest },
    ],
    perVersion: { title: 'Output tokens per request by version', pick: (p) => p.outputTokensPerRequest },
  },
  {
    id: 'quality',
    title: 'Quality (mean score, with 95% interval; axis fitted to the data)',
    unit: 'score',
    lines: [
      { label: 'quality', color: SERIES.quality, pick: (p) => p.quality },
      { label: '95% low', color: CI_COLOR, dash: [3, 3], pick: (p) => p.qualityLow },
      { label: '95% high', color: CI_COLOR, dash: [3, 3], pick: (p) => p.qualityHigh },
    ],
    perVersion: { title: 'Quality by version (mean score, 0–1)', pick: (p) => p.quality },
  },
  {
    id: 'requests',
    title: 'Requests per bucket',
    unit: 'count',
    lines: [{ label: 'requests', color: SERIES.requests, pick: (p) => p.requests }],
    perVersion: { title: 'Requests per bucket by version', pick: (p) => p.requests },
  },
];

/** A value of each point, placed in the middle of its bucket. */
function plot(points: TimeseriesPoint[], stepSeconds: number, pick: Pick): MetricChart['lines'][number]['points'] {
  const half = (stepSeconds * 1000) / 2;
  return points.map((p) => ({ x: Date.parse(p.time) + half, y: pick(p) }));
}

/**
 * The on-call view's charts from an ungrouped time series: latency quantiles, error rate, cost, tokens, quality
 * and traffic. Points sit in the middle of their bucket.
 */
export function metricCharts(ts: Timeseries): MetricChart[] {
  const points = ts.series[0]?.points ?? [];
  return LINE_DEFS.map((def) => ({
    id: def.id,
    title: def.title,
    unit: def.unit,
    lines: def.lines.map((line) => ({
      label: line.label,
      color: line.color,
      ...(line.dash ? { dash: line.dash } : {}),
      points: plot(points, ts.stepSeconds, line.pick),
    })),
  }));
}

const UNKNOWN_VERSION_COLOR = '#8a96a3';

/**
 * The same charts from a series grouped by version (`groupBy=version`): one line per version in that version's
 * colour, so a canary's arms or the switch from one version to the next read at a glance.
 */
export function metricChartsByVersion(ts: Timeseries): MetricChart[] {
  return LINE_DEFS.map((def) => ({
    id: def.id,
    title: def.perVersion.title,
    unit: def.unit,
    lines: ts.series.map((s) => ({
      label: s.version ? `v${s.version}` : 'unknown version',
      color: s.version ? versionColor(s.version) : UNKNOWN_VERSION_COLOR,
      points: plot(s.points, ts.stepSeconds, def.perVersion.pick),
    })),
  }));
}

/** Total requests in a series (to tell "no traffic yet" from a quiet window). */
export function totalRequests(ts: Timeseries): number {
  return ts.series.reduce((sum, s) => sum + s.points.reduce((n, p) => n + p.requests, 0), 0);
}
