import type { DeploymentEvent, OverallVerdict } from './api-types.js';

/**
 * How a deployment event looks on a chart. Deploys are solid lines, rollbacks dashed, automatic rollbacks dashed
 * and red, canary moves dotted, external deployments grey; the line takes the colour of the version it brings.
 */
export type MarkerStyle = 'deploy' | 'rollback' | 'auto-rollback' | 'canary' | 'external';

export const AUTO_ROLLBACK_ACTOR = 'auto-rollback';

export function markerStyle(event: Pick<DeploymentEvent, 'kind' | 'actor'>): MarkerStyle {
  if (event.kind === 'rollback') return event.actor === AUTO_ROLLBACK_ACTOR ? 'auto-rollback' : 'rollback';
  if (event.kind === 'canary_start' || event.kind === 'canary_promote' || event.kind === 'canary_abort')
    return 'canary';
  if (event.kind === 'external') return 'external';
  return 'deploy';
}

export const MARKER_DASH: Record<MarkerStyle, number[]> = {
  deploy: [],
  rollback: [6, 4],
  'auto-rollback': [6, 4],
  canary: [2, 3],
  external: [1, 3],
};

export const MARKER_ICON: Record<MarkerStyle, string> = {
  deploy: '▲',
  rollback: '↺',
  'auto-rollback': '⚠↺',
  canary: '◐',
  external: '⇢',
};

const KIND_LABEL: Record<DeploymentEvent['kind'], string> = {
  deploy: 'deploy',
  rollback: 'rollback',
  canary_start: 'canary',
  canary_promote: 'promote',
  canary_abort: 'canary abort',
  external: 'external',
};

export function kindLabel(event: Pick<DeploymentEvent, 'kind' | 'actor' | 'canaryPercent'>): string {
  if (event.kind === 'rollback' && event.actor === AUTO_ROLLBACK_ACTOR) return 'auto-rollback';
  if (event.kind === 'canary_start' && event.canaryPercent !== null) return `canary ${event.canaryPercent}%`;
  return KIND_LABEL[event.kind] ?? event.kind;
}

/** Who moved the lane: the reported deployer of an external deployment, else the API key that recorded it. */
export const actorOf = (event: Pick<DeploymentEvent, 'actor' | 'externalActor'>): string =>
  event.externalActor || event.actor;

/** The flag text of a marker: `v3 · deploy · alice`. */
export function markerLabel(event: DeploymentEvent): string {
  return `v${event.version} · ${kindLabel(event)} · ${actorOf(event)}`;
}

export interface ShadedWindow {
  deploymentId: string;
  from: number;
  to: number;
  verdict: 'fail' | 'warn';
}

/**
 * The windows to shade: from each deployment whose verdict is `fail` (or `warn`) until the next event of the same
 * prompt and environment moved traffic again, or the end of the view.
 */
export function failingWindows(
  events: readonly DeploymentEvent[],
  verdicts: ReadonlyMap<string, OverallVerdict>,
  viewEnd: number,
): ShadedWindow[] {
  const sorted = [...events].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  const out: ShadedWindow[] = [];
  sorted.forEach((event, i) => {
    const verdict = verdicts.get(event.id);
    if (verdict !== 'fail' && verdict !== 'warn') return;
    const next = sorted[i + 1];
    out.push({
      deploymentId: event.id,
      from: Date.parse(event.time),
      to: next ? Date.parse(next.time) : viewEnd,
      verdict,
    });
  });
  return out;
}

/**
 * Rows for marker flags so labels close together do not overlap: each flag goes to the first row whose previous
 * flag is at least `minGapPx` to its left. Returns the row of each x, in the input order.
 */
export function stackFlags(xs: readonly number[], minGapPx: number, maxRows = 3): number[] {
  const order = xs.map((x, i) => ({ x, i })).sort((a, b) => a.x - b.x);
  const lastX: number[] = [];
  const rows = new Array<number>(xs.length).fill(0);
  for (const { x, i } of order) {
    let row = lastX.findIndex((last) => x - last >= minGapPx);
    if (row === -1) row = lastX.length < maxRows ? lastX.length : lastX.indexOf(Math.min(...lastX));
    lastX[row] = x;
    rows[i] = row;
  }
  return rows;
}
