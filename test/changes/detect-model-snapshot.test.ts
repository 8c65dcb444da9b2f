import { describe, expect, it } from 'vitest';
import { findSnapshotSwitches } from '../../server/changes/detect-model-snapshot.js';
import type { AnsweringModel, KnownResponseModel } from '../../server/changes/snapshot-scan-query.js';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 3, 10, minute)).toISOString();
const answering = (responseModel: string, first: number, extra: Partial<AnsweringModel> = {}): AnsweringModel => ({
  environment: 'production',
  model: 'gpt-4o-mini',
  responseModel,
  spans: 10,
  first: at(first),
  last: at(first + 5),
  traceId: `t-${responseModel}`,
  spanId: 's',
  prompts: ['triage'],
  ...extra,
});
const known = (responseModel: string, firstSeen: number, lastSeen: number): KnownResponseModel => ({
  environment: 'production',
  model: 'gpt-4o-mini',
  responseModel,
  firstSeen: at(firstSeen),
  lastSeen: at(lastSeen),
});

describe('findSnapshotSwitches', () => {
  it('records a response model that was not answering before as a switch from the latest one that was', () => {
    const out = findSnapshotSwitches(
      [answering('gpt-4o-mini-2025-01-31', 40)],
      [known('gpt-4o-mini-2024-01-01', 0, 10), known('gpt-4o-mini-2024-07-18', 5, 39)],
      at(50),
    );
    expect(out.changes).toEqual([
      expect.objectContaining({
        kind: 'model_snapshot',
        environment: 'production',
        model: 'gpt-4o-mini',
        before: 'gpt-4o-mini-2024-07-18',
        after: 'gpt-4o-mini-2025-01-31',
        time: at(40),
        prompts: ['triage'],
        exampleTraceId: 't-gpt-4o-mini-2025-01-31',
      }),
    ]);
    expect(out.observations).toEqual([expect.objectContaining({ changeId: out.changes[0]?.id, spans: 10 })]);
  });

  it('counts the spans of a switch in later scans under the same id', () => {
    const first = findSnapshotSwitches([answering('new', 40)], [known('old', 0, 39)], at(50));
    const later = findSnapshotSwitches([answering('new', 60)], [known('old', 0, 39), known('new', 40, 45)], at(70));
    expect(later.changes).toEqual([]);
    expect(later.observations).toEqual([
      expect.objectContaining({ changeId: first.changes[0]?.id, time: at(60), lastSeen: at(65), spans: 10 }),
    ]);
  });

  it('is quiet for models seen together (balanced snapshots, a first scan) and for the ones already known', () => {
    const together = [answering('a', 0), answering('b', 1)];
    expect(findSnapshotSwitches(together, [], at(10)).changes).toEqual([]);
    expect(findSnapshotSwitches([answering('a', 30)], [known('a', 0, 20), known('b', 1, 25)], at(40)).changes).toEqual(
      [],
    );
  });

  it('sees a switch inside one scan, and keeps models of other environments and requested models apart', () => {
    const scan = [
      answering('old', 0),
      answering('new', 20),
      answering('other', 25, { environment: 'staging' }),
      answering('x', 30, { model: 'claude-sonnet' }),
    ];
    const out = findSnapshotSwitches(scan, [], at(40));
    expect(out.changes.map((c) => [c.environment, c.model, c.before, c.after])).toEqual([
      ['production', 'gpt-4o-mini', 'old', 'new'],
    ]);
    expect(out.seen).toHaveLength(4);
  });
});
