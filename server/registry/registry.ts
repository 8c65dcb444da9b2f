import {
  deploy,
  promote,
  recordExternal,
  type DeployInput,
  type ExternalInput,
  type PromoteInput,
} from './deploy-service.js';
import type { DeploymentEvent } from './deployment-event.js';
import { findDeploymentEvent, laneEvents, listDeploymentEvents, type DeploymentFilter } from './deployment-queries.js';
import { findEnvironment, listEnvironments, type Environment } from './environment-queries.js';
import { deriveLaneState, type LaneState } from './environment-state.js';
import type { LaneWrite } from './lane-writer.js';
import type { RegistryDeps } from './registry-deps.js';
import { rollback, type RollbackInput } from './rollback.js';
import { findVersion, type PromptVersion } from './version-queries.js';

/**
 * The registry's services for other server modules (the analysis loop's automatic rollback and promotion, the
 * routers). Every write goes through the same per-lane lock as the HTTP API, whichever registry instance calls it.
 */
export interface Registry {
  deploy(input: DeployInput): Promise<LaneWrite>;
  rollback(input: RollbackInput): Promise<LaneWrite>;
  promote(input: PromoteInput): Promise<LaneWrite>;
  recordExternal(input: ExternalInput): Promise<LaneWrite>;
  /** The current state of a prompt in an environment: stable version, canary in progress, rollback history. */
  laneState(prompt: string, environment: string): Promise<LaneState>;
  findDeployment(id: string): Promise<DeploymentEvent | undefined>;
  listDeployments(filter: DeploymentFilter): Promise<DeploymentEvent[]>;
  listEnvironments(): Promise<Environment[]>;
  findEnvironment(name: string): Promise<Environment | undefined>;
  findVersion(prompt: string, version: number): Promise<PromptVersion | undefined>;
}

export function createRegistry(deps: RegistryDeps): Registry {
  const { store } = deps;
  return {
    deploy: (input) => deploy(deps, input),
    rollback: (input) => rollback(deps, input),
    promote: (input) => promote(deps, input),
    recordExternal: (input) => recordExternal(deps, input),
    laneState: async (prompt, environment) => deriveLaneState(await laneEvents(store, prompt, environment)),
    findDeployment: (id) => findDeploymentEvent(store, id),
    listDeployments: (filter) => listDeploymentEvents(store, filter),
    listEnvironments: () => listEnvironments(store),
    findEnvironment: (name) => findEnvironment(store, name),
    findVersion: (prompt, version) => findVersion(store, prompt, version),
  };
}
