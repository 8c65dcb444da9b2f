import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../../server/registry/diff.js';
import { diffLines } from '../../server/registry/line-diff.js';
import { contentHash, snapshotSchema } from '../../server/registry/version-snapshot.js';

const snapshot = (extra: Record<string, unknown> = {}) =>
  snapshotSchema.parse({
    provider: 'openai',
    model: 'gpt-4o',
    settings: { temperature: 0.2, maxTokens: 500 },
    messages: [
      { role: 'system', content: 'You are terse.\nAnswer in English.' },
      { role: 'user', content: '{{question}}' },
    ],
    variables: ['question'],
    tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
    ...extra,
  });

describe('line diff', () => {
  it('keeps common lines and marks removed and added ones', () => {
    expect(diffLines('a\nb\nc\nd', 'a\nc\nx\nd')).toEqual([
      { op: 'equal', text: 'a' },
      { op: 'remove', text: 'b' },
      { op: 'equal', text: 'c' },
      { op: 'add', text: 'x' },
      { op: 'equal', text: 'd' },
    ]);
    expect(diffLines('same', 'same')).toEqual([{ op: 'equal', text: 'same' }]);
  });
});

describe('snapshot diff', () => {
  it('reports identical snapshots as identical', () => {
    const diff = diffSnapshots(snapshot(), snapshot());
    expect(diff.identical).toBe(true);
    expect(diff.changes.messages.map((m) => m.change)).toEqual(['unchanged', 'unchanged']);
  });

  it('names each changed part: model, settings, messages line by line, variables, tools, schema', () => {
    const after = snapshot({
      model: 'gpt-4o-mini',
      settings: { temperature: 0.7, topP: 0.9 },
      messages: [
        { role: 'system', content: 'You are terse.\nAnswer in French.' },
        { role: 'user', content: '{{question}}' },
        { role: 'assistant', content: 'Bien sûr.' },
      ],
      variables: ['question', 'locale'],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', required: ['q'] } } }],
      responseSchema: { type: 'object' },
    });
    const { identical, changes } = diffSnapshots(snapshot(), after);
    expect(identical).toBe(false);
    expect(changes.provider).toBeNull();
    expect(changes.model).toEqual({ from: 'gpt-4o', to: 'gpt-4o-mini' });
    expect(changes.settings).toEqual([
      { key: 'maxTokens', change: 'removed', from: 500, to: null },
      { key: 'temperature', change: 'changed', from: 0.2, to: 0.7 },
      { key: 'topP', change: 'added', from: null, to: 0.9 },
    ]);
    expect(changes.messages.map((m) => m.change)).toEqual(['changed', 'unchanged', 'added']);
    expect(changes.messages[0]?.lines).toEqual([
      { op: 'equal', text: 'You are terse.' },
      { op: 'remove', text: 'Answer in English.' },
      { op: 'add', text: 'Answer in French.' },
    ]);
    expect(changes.variables).toEqual([{ key: 'locale', change: 'added', from: null, to: { name: 'locale' } }]);
    expect(changes.tools.map((t) => [t.key, t.change])).toEqual([['lookup', 'changed']]);
    expect(changes.responseSchema).toEqual({ from: null, to: { type: 'object' } });
  });
});

describe('content hash', () => {
  it('does not depend on key order and changes with any content', () => {
    const a = snapshot({ metadata: { team: 'support', tier: 1 } });
    const b = snapshot({ metadata: { tier: 1, team: 'support' } });
    expect(contentHash(a)).toBe(contentHash(b));
    expect(contentHash(snapshot({ metadata: { tier: 2, team: 'support' } }))).not.toBe(contentHash(a));
  });

  it('treats a variable given as a name and as an object alike (normalised first)', () => {
    expect(contentHash(snapshot({ variables: [{ name: 'question' }] }))).toBe(contentHash(snapshot()));
  });
});
