import type { DeploymentEvent } from '../registry/deployment-event.js';
import type { DetectorConfig } from '../stats/index.js';

/**
 * Which requests a deployment is judged on (pure). For a deployment of version B replacing A:
 * - canary (`canary_start`): B against A over the same window — the concurrent split, both arms live together;
 * - otherwise (`deploy`, `external`): B after the switch against A in the window of equal length just before it.
 * Both skip the first `skipMinutesAfterSwitch` minutes after the switch (warm-up, caches, mixed traffic). The
 * candidate window ends at the bake window's end, at the lane's next event (a rollback, another deploy, the end of
 * the canary), or now, whichever comes first. Evaluations are cumulative from the switch.
 *
 * Early arms, for early stopping and the time-to-verdict estimate: the same comparison without the skip, the
 * candidate from the switch itself (and, before/after, the baseline window of equal length before it). Each
 * regular arm lies inside its early arm; `extra` is the part of the early arm outside it, so one scan can count
 * both without counting a row twice.
 */
export const JUDGED_KINDS = ['deploy', 'external', 'canary_start'] as const;

export interface ArmWindow {
  version: number;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
}

export interface EarlyArms {
  candidate: ArmWindow;
  baseline: ArmWindow | null;
}

export interface AnalysisPlan {
  mode: 'canary' | 'before_after';
  /** Epoch ms of the switch (the deployment's time). */
  switchAt: number;
  candidate: ArmWindow;
  /** null when nothing was live before (first deployment): every metric is then inconclusive. */
  baseline: ArmWindow | null;
  /** Epoch ms when the evaluation window closes: bake end or the lane's next event. */
  windowEnd: number;
  /** The window has closed: this evaluation is the deployment's final one. */
  closed: boolean;
  bakeEnded: boolean;
  /** The event that ended this deployment's time as the live version, if any. */
  endedBy: DeploymentEvent | null;
  /** The arms measured from the switch on. */
  early: EarlyArms;
  description: { baseline: string; candidate: string };
}

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** The first later event that ends the deployment (for a canary, re-weighting the same candidate does not). */
export function endingEvent(deployment: DeploymentEvent, later: readonly DeploymentEvent[]): DeploymentEvent | null {
  const reweights = (e: DeploymentEvent) =>
    deployment.kind === 'canary_start' && e.kind === 'canary_start' && e.version === deployment.version;
  return later.find((e) => e.id !== deployment.id && !reweights(e)) ?? null;
}

/**
 * @param later the lane's events after the deployment, in replay order
 * @param bakeMinutes the bake window (the canary policy's for canaries, else the detector's)
 */
export function planAnalysis(
  deployment: DeploymentEvent,
  later: readonly DeploymentEvent[],
  config: DetectorConfig,
  bakeMinutes: number,
  now: number,
): AnalysisPlan {
  const switchAt = Date.parse(deployment.time);
  const endedBy = endingEvent(deployment, later);
  const bakeEnd = switchAt + bakeMinutes * MIN;
  const windowEnd = Math.min(bakeEnd, endedBy ? Date.parse(endedBy.time) : Infinity);
  const from = switchAt + config.skipMinutesAfterSwitch * MIN;
  const earlyTo = Math.max(switchAt, Math.min(now, windowEnd));
  const to = Math.max(from, earlyTo);
  const candidate = { version: deployment.version, from, to };
  const early: EarlyArms = { candidate: { version: deployment.version, from: switchAt, to: earlyTo }, baseline: null };
  const previous = deployment.previousVersion;
  const canary = deployment.kind === 'canary_start';
  let baseline: ArmWindow | null = null;
  if (previous !== null && previous !== deployment.version) {
    baseline = canary
      ? { version: previous, from, to }
      : { version: previous, from: switchAt - (to - from), to: switchAt };
    early.baseline = canary
      ? { version: previous, from: switchAt, to: earlyTo }
      : { version: previous, from: switchAt - (earlyTo - switchAt), to: switchAt };
  }
  const span = (w: ArmWindow) => `version ${w.version}, ${iso(w.from)} – ${iso(w.to)}`;
  return {
    mode: canary ? 'canary' : 'before_after',
    switchAt,
    candidate,
    baseline,
    windowEnd,
    closed: now >= windowEnd,
    bakeEnded: now >= bakeEnd,
    endedBy,
    early,
    description: {
      candidate: `${span(candidate)}${canary ? ` (canary, ${deployment.canaryPercent ?? '?'}% of traffic)` : ''}`,
      baseline: baseline
        ? `${span(baseline)}${canary ? ' (stable arm of the canary, same window)' : ' (the window of equal length before the switch)'}`
        : 'none: no version was live before this deployment',
    },
  };
}

/** The part of an early arm outside its regular arm (which starts inside it and ends at or after its end). */
export function extraWindow(early: ArmWindow, regular: ArmWindow): ArmWindow {
  return { version: early.version, from: early.from, to: Math.max(early.from, Math.min(regular.from, early.to)) };
}
