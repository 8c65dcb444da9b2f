import type { Store } from '../store/store.js';
import type { DeploymentEvent } from './deployment-event.js';
import { eventsOfPrompts } from './deployment-queries.js';
import { listEnvironments } from './environment-queries.js';
import { deriveLaneState, type CanaryState } from './environment-state.js';
import { laneKey } from './keyed-mutex.js';
import type { Prompt } from './prompt-queries.js';
import { latestVersionNumbers } from './version-queries.js';

/** What is live for a prompt in one environment, derived from its events. */
export interface LaneSummary {
  environment: string;
  /** The stable version (null while nothing is deployed). */
  version: number | null;
  /** The event that made `version` live, and since when. */
  deploymentId: string | null;
  since: string | null;
  canary: CanaryState | null;
  /** The lane's newest event: pass it as `expectedDeploymentId` for a guarded deploy. */
  latestDeploymentId: string | null;
}

export interface PromptOverview extends Prompt {
  latestVersion: number | null;
  /** One entry per environment where the prompt was ever deployed, in environment display order. */
  deployments: LaneSummary[];
}

/** Prompts with their latest version number and what is deployed where (events arrive in replay order). */
export async function describePrompts(store: Store, prompts: readonly Prompt[]): Promise<PromptOverview[]> {
  const names = prompts.map((p) => p.name);
  const [latest, events, environments] = await Promise.all([
    latestVersionNumbers(store, names),
    eventsOfPrompts(store, names),
    listEnvironments(store),
  ]);
  const byLane = new Map<string, DeploymentEvent[]>();
  for (const event of events) {
    const key = laneKey(event.prompt, event.environment);
    const lane = byLane.get(key);
    if (lane) lane.push(event);
    else byLane.set(key, [event]);
  }
  return prompts.map((prompt) => ({
    ...prompt,
    latestVersion: latest.get(prompt.name) ?? null,
    deployments: environments.flatMap((env): LaneSummary[] => {
      const laneEvents = byLane.get(laneKey(prompt.name, env.name));
      return laneEvents ? [summarizeLane(env.name, laneEvents)] : [];
    }),
  }));
}

function summarizeLane(environment: string, events: DeploymentEvent[]): LaneSummary {
  const state = deriveLaneState(events);
  return {
    environment,
    version: state.stableVersion,
    deploymentId: state.stableDeploymentId,
    since: state.stableSince,
    canary: state.canary,
    latestDeploymentId: state.latest?.id ?? null,
  };
}
