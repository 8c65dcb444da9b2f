import type { Store } from '../store/store.js';
import type { AbTestDefinition } from './ab-test-definition.js';
import type { AbResult } from './ab-result.js';

/**
 * The events of A/B tests (`ab_test_events`, append-only) and the state derived from them: `start` carries the
 * definition, `end` (its time or sample size reached) and `stop` (by hand) the final result, `ship` the deployment
 * (or review request) of the winner.
 */
export type AbEventKind = 'start' | 'end' | 'stop' | 'ship';

export interface AbTestEvent {
  id: string;
  testId: string;
  prompt: string;
  environment: string;
  name: string;
  kind: AbEventKind;
  definition: AbTestDefinition | null;
  result: AbResult | null;
  deploymentId: string | null;
  actor: string;
  reason: string;
  time: string;
}

export type AbStatus = 'running' | 'ended' | 'shipped';

export interface AbTest {
  id: string;
  name: string;
  prompt: string;
  environment: string;
  definition: AbTestDefinition;
  status: AbStatus;
  startedAt: string;
  startedBy: string;
  /** When and why it ended: its time or samples were reached, or who stopped it. */
  endedAt: string | null;
  endedBy: string | null;
  endReason: string | null;
  /** The final result (null while running: see the live one). */
  result: AbResult | null;
  /** The deployment or review request that shipped the winner. */
  shipped: { deploymentId: string; actor: string; time: string } | null;
  events: AbTestEvent[];
}

interface EventRow {
  id: string;
  test_id: string;
  prompt: string;
  environment: string;
  name: string;
  kind: string;
  definition: string;
  result: string;
  deployment_id: string;
  actor: string;
  reason: string;
  time: string;
}

const COLUMNS = 'id, test_id, prompt, environment, name, kind, definition, result, deployment_id, actor, reason, time';

const fromRow = (r: EventRow): AbTestEvent => ({
  id: r.id,
  testId: r.test_id,
  prompt: r.prompt,
  environment: r.environment,
  name: r.name,
  kind: r.kind as AbEventKind,
  definition: r.definition === '' ? null : (JSON.parse(r.definition) as AbTestDefinition),
  result: r.result === '' ? null : (JSON.parse(r.result) as AbResult),
  deploymentId: r.deployment_id === '' ? null : r.deployment_id,
  actor: r.actor,
  reason: r.reason,
  time: r.time,
});

export async function insertAbEvent(store: Store, e: AbTestEvent): Promise<void> {
  await store.insert('ab_test_events', [
    {
      id: e.id,
      test_id: e.testId,
      prompt: e.prompt,
      environment: e.environment,
      name: e.name,
      kind: e.kind,
      definition: e.definition ? JSON.stringify(e.definition) : '',
      result: e.result ? JSON.stringify(e.result) : '',
      deployment_id: e.deploymentId ?? '',
      actor: e.actor,
      reason: e.reason,
      time: e.time,
    },
  ]);
}

export interface AbFilter {
  prompt?: string;
  environment?: string;
  testId?: string;
}

/** The tests matching the filter, newest first, each folded from its events. */
export async function listAbTests(store: Store, filter: AbFilter): Promise<AbTest[]> {
  const rows = await store.query<EventRow>(
    `SELECT ${COLUMNS} FROM ab_test_events
     WHERE ({prompt:String} = '' OR prompt = {prompt:String})
       AND ({environment:String} = '' OR environment = {environment:String})
       AND ({testId:String} = '' OR test_id = {testId:String})
     ORDER BY time, id`,
    { prompt: filter.prompt ?? '', environment: filter.environment ?? '', testId: filter.testId ?? '' },
  );
  const tests = new Map<string, AbTestEvent[]>();
  for (const event of rows.map(fromRow)) tests.set(event.testId, [...(tests.get(event.testId) ?? []), event]);
  return [...tests.values()]
    .flatMap((events) => {
      const test = foldAbTest(events);
      return test ? [test] : [];
    })
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** A test's state from its events in time order (null without a start). */
export function foldAbTest(events: readonly AbTestEvent[]): AbTest | null {
  const start = events.find((e) => e.kind === 'start');
  if (!start?.definition) return null;
  let test: AbTest = {
    id: start.testId,
    name: start.name,
    prompt: start.prompt,
    environment: start.environment,
    definition: start.definition,
    status: 'running',
    startedAt: start.time,
    startedBy: start.actor,
    endedAt: null,
    endedBy: null,
    endReason: null,
    result: null,
    shipped: null,
    events: [...events],
  };
  for (const e of events) {
    if ((e.kind === 'end' || e.kind === 'stop') && test.status === 'running') {
      test = { ...test, status: 'ended', endedAt: e.time, endedBy: e.actor, endReason: e.reason, result: e.result };
    }
    if (e.kind === 'ship' && e.deploymentId) {
      test = { ...test, status: 'shipped', shipped: { deploymentId: e.deploymentId, actor: e.actor, time: e.time } };
    }
  }
  return test;
}
