import { queryArmsBatch, type Arms } from '../analysis/arms-query.js';
import { detectorConfigFor } from '../analysis/detector-config.js';
import { laneEvents } from '../registry/deployment-queries.js';
import type { Environment } from '../registry/environment-queries.js';
import { deriveLaneState } from '../registry/environment-state.js';
import { judgeDeployment, judgeMetrics, type MetricVerdict, type OverallVerdict } from '../stats/index.js';
import type { Store } from '../store/store.js';
import type { ChangeEvent } from './change-log.js';

/** A change judged like a deployment: the same prompt version before and after it, with the same detector. */
export interface ChangeAnalysis {
  changeId: string;
  environment: string;
  prompt: string;
  /** The version judged on both sides (the drifting one, or the one live when the model switched). */
  version: number | null;
  evaluatedAt: string;
  verdict: OverallVerdict;
  reason: string;
  final: boolean;
  /** The two arms, shaped as a deployment analysis's so the UI shows both the same way. */
  baseline: Arm;
  candidate: Arm;
  metrics: MetricVerdict[];
}

interface Arm {
  version: number | null;
  from: string;
  to: string;
  requests: number;
  description: string;
}

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** The version live in the lane at `time` (the drift's own version for prompt drift). */
async function versionAt(store: Store, change: ChangeEvent, prompt: string, time: number): Promise<number | null> {
  if (change.kind === 'prompt_drift') return Number(change.version);
  const before = (await laneEvents(store, prompt, change.environment)).filter((e) => Date.parse(e.time) <= time);
  return deriveLaneState(before).stableVersion;
}

/**
 * Before / after: the window after the change (skipping the first minutes, up to the bake window) against the
 * window of equal length before it, for one prompt, with the environment's detector. Peer drift is not subtracted:
 * a model switch moves the peers too.
 */
export async function judgeChange(
  store: Store,
  change: ChangeEvent,
  prompt: string,
  environment: Environment | undefined,
  now: number,
): Promise<ChangeAnalysis> {
  const config = { ...detectorConfigFor(environment).config, driftCorrection: false };
  const t = Date.parse(change.time);
  const end = t + config.bakeMinutes * MIN;
  const from = t + config.skipMinutesAfterSwitch * MIN;
  const to = Math.max(from, Math.min(now, end));
  const baseline = { from: t - (to - from), to: t };
  const version = await versionAt(store, change, prompt, t);
  const head = {
    changeId: change.id,
    environment: change.environment,
    prompt,
    version,
    evaluatedAt: iso(now),
    final: now >= end,
  };
  const arm = (w: { from: number; to: number }, requests: number, side: string): Arm => ({
    version,
    from: iso(w.from),
    to: iso(w.to),
    requests,
    description: `${version === null ? 'no version' : `version ${version}`}, ${side} the change`,
  });
  if (version === null) {
    const reason = `no version of ${prompt} was live in ${change.environment} when the change happened`;
    const [b, c] = [arm(baseline, 0, 'before'), arm({ from, to }, 0, 'after')];
    return { ...head, verdict: 'inconclusive', reason, baseline: b, candidate: c, metrics: [] };
  }
  const windows = { candidate: { version, from, to }, baseline: { version, ...baseline } };
  const request = { environment: change.environment, prompt, plan: { ...windows, early: windows } };
  const arms = (await queryArmsBatch(store, [request]))[0] as Arms;
  const metrics = judgeMetrics(arms.baseline, arms.candidate, config);
  const overall = judgeDeployment(metrics, config, { bakeEnded: now >= end });
  return {
    ...head,
    verdict: overall.verdict,
    reason: overall.reason,
    baseline: arm(baseline, arms.baseline.n, 'before'),
    candidate: arm({ from, to }, arms.candidate.n, 'after'),
    metrics,
  };
}
