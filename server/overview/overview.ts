import { latestSummaries, type AnalysisSummary } from '../analysis/analyses-store.js';
import { bucketStarts } from '../analysis/timeseries-query.js';
import { laneKey } from '../registry/keyed-mutex.js';
import { describePrompts, type LaneSummary } from '../registry/prompt-overview.js';
import { listPrompts } from '../registry/prompt-queries.js';
import { listEnvironments, type Environment } from '../registry/environment-queries.js';
import type { Store } from '../store/store.js';
import { emptyTrend, queryLaneTrends, type LaneTrend } from './lane-trends-query.js';

/**
 * Everything the overview shows, for every lane (prompt × environment where the prompt was ever deployed), with a
 * constant number of queries whatever the number of prompts: what is deployed (version, canary), the latest verdict
 * of the deployment being judged (the canary's, else the one that made the stable version live), and the lane's
 * trends from the rollups. A refresh can ask for some lanes only.
 */
export interface OverviewLane extends LaneSummary {
  prompt: string;
  tags: string[];
  /** The deployment whose verdict is shown: the running canary, else the stable version's deployment. */
  judgedDeploymentId: string | null;
  /** Its latest evaluation; null while it has none (not judged yet, or a rollback, which is not judged). */
  verdict: AnalysisSummary | null;
  trend: LaneTrend;
}

export interface Overview {
  window: { from: string; to: string };
  stepSeconds: number;
  /** Bucket starts (ISO) of every lane's series. */
  buckets: string[];
  environments: Environment[];
  lanes: OverviewLane[];
  /** Prompts never deployed anywhere (only in a full answer). */
  undeployed: { name: string; tags: string[] }[];
  /** With no prompt registered: whether any trace arrived in the last 30 days (a fresh install has none). */
  anyTrace: boolean;
}

export interface OverviewRequest {
  from: number;
  to: number;
  stepSeconds: number;
  /** Only these lanes (a live refresh); all when absent. */
  lanes?: readonly { environment: string; prompt: string }[];
}

/** Prompts listed at most (a registry larger than this is paged by the prompts API, not the overview). */
export const MAX_PROMPTS = 10_000;

export async function buildOverview(store: Store, req: OverviewRequest): Promise<Overview> {
  const wanted = req.lanes && new Set(req.lanes.map((l) => laneKey(l.prompt, l.environment)));
  const allPrompts = await listPrompts(store, { search: '', limit: MAX_PROMPTS, offset: 0 });
  const prompts = wanted ? allPrompts.filter((p) => req.lanes?.some((l) => l.prompt === p.name)) : allPrompts;
  const [described, environments, trends] = await Promise.all([
    describePrompts(store, prompts),
    listEnvironments(store),
    queryLaneTrends(store, req),
  ]);
  const lanes = described.flatMap((p) =>
    p.deployments
      .filter((lane) => !wanted || wanted.has(laneKey(p.name, lane.environment)))
      .map((lane) => ({ prompt: p.name, tags: p.tags, lane })),
  );
  const judged = lanes.map(({ lane }) => lane.canary?.deploymentId ?? lane.deploymentId);
  const summaries = new Map(
    (
      await latestSummaries(
        store,
        judged.filter((id): id is string => id !== null),
      )
    ).map((s) => [s.deploymentId, s]),
  );
  const buckets = bucketCount(req);
  const anyTrace = allPrompts.length > 0 || (await hasRecentTrace(store, req.to));
  return {
    window: { from: new Date(req.from).toISOString(), to: new Date(req.to).toISOString() },
    stepSeconds: req.stepSeconds,
    buckets: bucketStartsIso(req),
    environments,
    lanes: lanes.map(({ prompt, tags, lane }, i) => ({
      ...lane,
      prompt,
      tags,
      judgedDeploymentId: judged[i] ?? null,
      verdict: summaries.get(judged[i] ?? '') ?? null,
      trend: trends.get(laneKey(prompt, lane.environment)) ?? emptyTrend(buckets),
    })),
    undeployed: wanted
      ? []
      : described.filter((p) => p.deployments.length === 0).map((p) => ({ name: p.name, tags: p.tags })),
    anyTrace,
  };
}

const bucketStartsIso = (req: OverviewRequest) =>
  bucketStarts(req.from, req.to, req.stepSeconds * 1000).map((t) => new Date(t).toISOString());
const bucketCount = (req: OverviewRequest) => bucketStarts(req.from, req.to, req.stepSeconds * 1000).length;

async function hasRecentTrace(store: Store, now: number): Promise<boolean> {
  const rows = await store.query<{ one: number }>(
    `SELECT 1 AS one FROM otel_traces WHERE Timestamp >= fromUnixTimestamp64Milli({since:Int64}) LIMIT 1`,
    { since: now - 30 * 86_400_000 },
  );
  return rows.length > 0;
}
