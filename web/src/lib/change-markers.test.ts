import { expect, it } from 'vitest';
import { changeLabel } from './change-markers.js';

it('labels a change by what moved', () => {
  const snapshot = (model: string, after: string) => ({ kind: 'model_snapshot' as const, model, after, version: '' });
  expect(changeLabel(snapshot('gpt-4o-mini', 'gpt-4o-mini-2025-01-31'))).toBe('gpt-4o-mini-2025-01-31');
  expect(changeLabel(snapshot('fast', 'claude-haiku-4'))).toBe('fast → claude-haiku-4');
  expect(changeLabel({ kind: 'prompt_drift', model: 'm', after: 'ab12', version: '3' })).toBe('prompt text ≠ v3');
});
