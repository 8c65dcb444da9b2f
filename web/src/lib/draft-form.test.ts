import { describe, expect, it } from 'vitest';
import { MESSAGE_ROLES } from '../../../server/registry/version-snapshot.js';
import type { DraftSnapshot } from './api-types.js';
import { emptyState, fieldLabel, fromSnapshot, ROLES, toContent } from './draft-form.js';

const snapshot: DraftSnapshot = {
  provider: 'openai',
  model: 'gpt-4o-mini',
  settings: { temperature: 0.2, seed: 7 },
  messages: [
    { role: 'system', content: 'Route {{ticket}}' },
    { role: 'user', content: [{ type: 'text', text: '{{ticket}}' }] },
  ],
  variables: [
    { name: 'ticket', description: 'The ticket' },
    { name: 'tone', default: 'polite' },
    { name: 'suffix', required: false },
  ],
  tools: [{ name: 'lookup' }],
  responseSchema: null,
  mcpServers: [],
  metadata: { team: 'support' },
};

describe('the editor form of a draft', () => {
  it('round-trips a snapshot', () => {
    const state = fromSnapshot(snapshot, 'why');
    expect(state).toMatchObject({ temperature: '0.2', otherSettings: '{\n  "seed": 7\n}', commitMessage: 'why' });
    expect(state.responseSchema).toBe('');
    expect(toContent(state)).toEqual({ content: snapshot, problems: [] });
  });

  it('reports invalid JSON with its line, duplicate and empty variable names, and numbers that are not', () => {
    const state = fromSnapshot(snapshot);
    state.tools = '[\n  {"name": "a"}\n  {"name": "b"}\n]';
    state.metadata = '[1]';
    state.temperature = 'warm';
    state.variables.push({ name: 'ticket', description: '', required: true, default: '' });
    state.variables.push({ name: ' ', description: '', required: true, default: '' });
    expect(toContent(state)).toEqual({
      problems: [
        { field: 'settings.temperature', message: 'must be a number' },
        { field: 'variables.3.name', message: '"ticket" is declared twice' },
        { field: 'variables.4.name', message: 'a variable needs a name' },
        { field: 'tools', message: "invalid JSON at line 3, column 3: expected ',' or ']'" },
        { field: 'metadata', message: 'must be a JSON object { … }' },
      ],
    });
    expect(['tools', 'variables.3.name', 'messages.1.content'].map(fieldLabel)).toEqual([
      'Tools',
      'Variable 4',
      'Message 2',
    ]);
  });

  it('starts empty with a system and a user message, and knows the server’s roles', () => {
    expect(toContent(emptyState()).content?.messages).toEqual([
      { role: 'system', content: '' },
      { role: 'user', content: '' },
    ]);
    expect(ROLES).toEqual(MESSAGE_ROLES);
  });
});
