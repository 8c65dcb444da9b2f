import { queryComparison } from '../analysis/compare-query.js';
import type { MetricValues } from '../analysis/metric-values.js';
import { latestOfflineRuns, type OfflineRun } from '../analysis/offline-evaluations-query.js';
import { diffSnapshots, type SnapshotDiff } from '../registry/diff.js';
import type { Store } from '../store/store.js';
import type { ResolvedRef } from './snapshot-ref.js';

/**
 * The sides of a comparison with what is known about each beyond its content: its live figures (requests,
 * latency, cost, tokens, errors, quality from the rollups) in an environment over a window, and its latest
 * offline evaluation run. A draft has neither.
 */
export interface LiveFigures extends MetricValues {
  environment: string;
  version: number;
  from: string;
  to: string;
}

export interface CompareSide {
  /** The reference as given (`3`, `production`, `draft:alice`, `pass:production`). */
  ref: string;
  label: string;
  version: number | null;
  environment: string | null;
  draftAuthor: string | null;
  /** This version's traffic in `live.environment` over the window; null for a draft or without traffic. */
  live: LiveFigures | null;
  offline: OfflineRun | null;
}

export interface PromptComparison extends SnapshotDiff {
  prompt: string;
  window: { from: string; to: string };
  from: CompareSide;
  to: CompareSide;
}

export interface SideInput {
  /** The reference text. */
  text: string;
  resolved: ResolvedRef;
}

export interface FigureOptions {
  /** Where a side that names no environment (a bare version) is measured. */
  environment: string | undefined;
  from: number;
  to: number;
}

/** Describes the sides: one rollup query per environment measured and one offline query for all versions. */
export async function describeSides(
  store: Store,
  prompt: string,
  sides: readonly SideInput[],
  options: FigureOptions,
): Promise<CompareSide[]> {
  const envOf = (side: SideInput) =>
    side.resolved.version === null ? undefined : (side.resolved.environment ?? options.environment);
  const environments = [...new Set(sides.map(envOf).filter((e) => e !== undefined))];
  const versions = [...new Set(sides.map((s) => s.resolved.version).filter((v) => v !== null))];
  const [comparisons, runs] = await Promise.all([
    Promise.all(
      environments.map((environment) =>
        queryComparison(store, { environment, prompt, from: options.from, to: options.to, byModel: false }),
      ),
    ),
    versions.length > 0 ? latestOfflineRuns(store, prompt, versions) : Promise.resolve([]),
  ]);
  return sides.map((side): CompareSide => {
    const { label, version, environment, draftAuthor } = side.resolved;
    const measuredIn = envOf(side);
    const comparison = comparisons.find((c) => c.environment === measuredIn);
    const row = version === null ? undefined : comparison?.rows.find((r) => r.version === String(version));
    const live: LiveFigures | null =
      row && comparison && version !== null && row.requests > 0
        ? {
            ...withoutGrouping(row),
            environment: comparison.environment,
            version,
            from: comparison.from,
            to: comparison.to,
          }
        : null;
    return {
      ref: side.text,
      label,
      version,
      environment,
      draftAuthor,
      live,
      offline: runs.find((r) => r.version === version) ?? null,
    };
  });
}

function withoutGrouping<T extends { version: string; model?: string; offline: unknown }>(row: T) {
  const { version: _version, model: _model, offline: _offline, ...values } = row;
  return values;
}

/** A full comparison of two resolved sides: the structured diff and both sides described. */
export async function comparePair(
  store: Store,
  prompt: string,
  from: SideInput,
  to: SideInput,
  options: FigureOptions,
): Promise<PromptComparison> {
  const [fromSide, toSide] = await describeSides(store, prompt, [from, to], options);
  return {
    prompt,
    window: { from: new Date(options.from).toISOString(), to: new Date(options.to).toISOString() },
    from: fromSide!,
    to: toSide!,
    ...diffSnapshots(from.resolved.snapshot, to.resolved.snapshot),
  };
}
