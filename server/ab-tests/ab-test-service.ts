import { randomUUID } from 'node:crypto';
import { detectorConfigFor } from '../analysis/detector-config.js';
import type { Actor } from '../http/auth.js';
import { conflict, notFound } from '../http/errors.js';
import { timeAfter } from '../registry/clock.js';
import { deploy } from '../registry/deploy-service.js';
import { laneEvents } from '../registry/deployment-queries.js';
import { requireEnvironment } from '../registry/environment-service.js';
import { deriveLaneState } from '../registry/environment-state.js';
import { laneKey, locks } from '../registry/keyed-mutex.js';
import { ReviewRequiredError } from '../registry/lane-authorization.js';
import { requirePrompt, requireVersion } from '../registry/prompt-service.js';
import { publish, type RegistryDeps } from '../registry/registry-deps.js';
import { createRequest } from '../registry/request-service.js';
import { requireServedBefore } from '../targeting/served-before.js';
import { queryAbArms } from './ab-arms-query.js';
import { abResult, type AbResult } from './ab-result.js';
import type { AbTestDefinition } from './ab-test-definition.js';
import { insertAbEvent, listAbTests, type AbEventKind, type AbTest } from './ab-test-events.js';

/**
 * A/B tests: starting one (under the lane's lock: one running test per lane, not beside a canary or ramp), its live
 * and final results, ending it (its time or samples reached, or stopped by hand) and shipping its winner — a deploy
 * like any other, so a protected environment turns it into a review request. Every change is an event with its
 * actor and reason, published as `ab_test.updated` so runtimes re-resolve at once.
 */
const MIN = 60_000;

export async function requireAbTest(deps: RegistryDeps, id: string): Promise<AbTest> {
  const [test] = await listAbTests(deps.store, { testId: id });
  if (!test) throw notFound(`A/B test "${id}" does not exist`, 'id');
  return test;
}

export async function startAbTest(deps: RegistryDeps, definition: AbTestDefinition, actor: Actor): Promise<AbTest> {
  await requirePrompt(deps.store, definition.prompt);
  const env = await requireEnvironment(deps.store, definition.environment);
  for (const [i, version] of definition.versions.entries()) {
    await requireVersion(deps.store, definition.prompt, version, `versions.${i}`);
  }
  const versions = definition.versions.map((v, i) => ({ version: v, what: 'A/B test', field: `versions.${i}` }));
  await requireServedBefore(deps.store, { prompt: definition.prompt, environment: env, actor }, versions);
  return locks.lane.run(laneKey(definition.prompt, definition.environment), async () => {
    const existing = await listAbTests(deps.store, definition);
    const running = existing.find((t) => t.status === 'running');
    if (running) throw conflict(`A/B test "${running.name}" is running in this lane: stop it first`);
    if (existing.some((t) => t.name === definition.name)) {
      throw conflict(`name: an A/B test "${definition.name}" already ran in this lane`, 'name');
    }
    const lane = deriveLaneState(await laneEvents(deps.store, definition.prompt, definition.environment));
    if (lane.canary) {
      throw conflict(`a ${lane.canary.ramp ? 'ramp' : 'canary'} of version ${lane.canary.version} is in progress here`);
    }
    const id = randomUUID();
    await record(deps, { id, ...definition }, 'start', actor.name, definition.reason, { definition });
    return requireAbTest(deps, id);
  });
}

/** The result as of now: final for an ended test (as recorded), interim for a running one. */
export async function liveResult(deps: RegistryDeps, test: AbTest, now = Date.now()): Promise<AbResult> {
  if (test.result) return test.result;
  return computeResult(deps, test, now, false);
}

async function computeResult(deps: RegistryDeps, test: AbTest, now: number, final: boolean): Promise<AbResult> {
  const window = { from: Date.parse(test.startedAt), to: Math.max(Date.parse(test.startedAt), now) };
  const arms = await queryAbArms(deps.store, {
    prompt: test.prompt,
    environment: test.environment,
    name: test.name,
    versions: test.definition.versions,
    ...window,
  });
  const env = await requireEnvironment(deps.store, test.environment);
  return abResult({ definition: test.definition, arms, config: detectorConfigFor(env).config, final, window, now });
}

/** Why a running test should end now (its time is up, or every version has its samples), or null. */
export function endCondition(test: AbTest, result: AbResult, now: number): string | null {
  const { maxMinutes, samplesPerVariant } = test.definition;
  if (maxMinutes !== undefined && now >= Date.parse(test.startedAt) + maxMinutes * MIN) {
    return `its ${maxMinutes} minutes are up`;
  }
  if (samplesPerVariant !== undefined && result.primary.verdict.variants.every((v) => v.n >= samplesPerVariant)) {
    return `every version has ${samplesPerVariant} samples of ${test.definition.primaryMetric}`;
  }
  return null;
}

/** Ends a running test with its final result: by hand (`stop`) or because its time or samples were reached. */
export async function endAbTest(
  deps: RegistryDeps,
  test: AbTest,
  how: { kind: 'stop' | 'end'; actor: string; reason: string },
  now = Date.now(),
): Promise<AbTest> {
  return locks.lane.run(laneKey(test.prompt, test.environment), async () => {
    const current = await requireAbTest(deps, test.id);
    if (current.status !== 'running') throw conflict(`A/B test "${test.name}" has already ended`);
    const result = await computeResult(deps, current, now, true);
    await record(deps, current, how.kind, how.actor, how.reason, { result, time: now });
    return requireAbTest(deps, test.id);
  });
}

/**
 * Ships the winner of an ended test: a deploy of it (at once) with the result as reason — or, where the one review
 * check says the deploy needs a review (lane-authorization.ts), a review request. 409 when there is nothing to ship.
 */
export async function shipAbTest(deps: RegistryDeps, id: string, actor: Actor, reason: string): Promise<AbTest> {
  const test = await requireAbTest(deps, id);
  if (test.status === 'running') throw conflict(`A/B test "${test.name}" is still running: stop it first`);
  if (test.status === 'shipped') throw conflict(`A/B test "${test.name}" was already shipped`);
  const winner = test.result?.winner;
  if (!test.result || winner === null || winner === undefined) {
    throw conflict(`A/B test "${test.name}" has no version to ship: ${test.result?.summary ?? 'no result'}`);
  }
  const input = {
    prompt: test.prompt,
    environment: test.environment,
    version: winner,
    reason: `${reason ? `${reason}; ` : ''}A/B test "${test.name}": ${test.result.summary}`,
    actor,
  };
  let shipped: string;
  try {
    shipped = (await deploy(deps, input)).event.id;
  } catch (err) {
    if (!(err instanceof ReviewRequiredError)) throw err;
    shipped = `request:${(await createRequest(deps, input)).id}`;
  }
  await record(deps, test, 'ship', actor.name, reason, { deploymentId: shipped });
  return requireAbTest(deps, id);
}

function eventTime(latest: string | null, at: number | undefined): string {
  if (at === undefined) return timeAfter(latest);
  return new Date(Math.max(at, latest ? Date.parse(latest) + 1 : at)).toISOString();
}

/** Appends an event to a test, after its latest one (a test's events replay in time order). */
async function record(
  deps: RegistryDeps,
  test: Pick<AbTest, 'id' | 'name' | 'prompt' | 'environment'> & { events?: AbTest['events'] },
  kind: AbEventKind,
  actor: string,
  reason: string,
  extra: { definition?: AbTestDefinition; result?: AbResult; deploymentId?: string; time?: number },
): Promise<void> {
  await insertAbEvent(deps.store, {
    id: randomUUID(),
    testId: test.id,
    prompt: test.prompt,
    environment: test.environment,
    name: test.name,
    kind,
    definition: extra.definition ?? null,
    result: extra.result ?? null,
    deploymentId: extra.deploymentId ?? null,
    actor,
    reason,
    time: eventTime(test.events?.at(-1)?.time ?? null, extra.time),
  });
  publish(deps, 'ab_test.updated', {
    id: test.id,
    name: test.name,
    prompt: test.prompt,
    environment: test.environment,
    kind,
    ...(extra.result ? { decision: extra.result.decision, summary: extra.result.summary } : {}),
  });
}
