import { expect, it } from 'vitest';
import { changeLabel } from './change-markers.js';

it('labels a change by what moved', () => {
  expect(
    changeLabel({ kind: 'model_snapshot', model: 'gpt-4o-mini', after: 'gpt-4o-mini-2025-01-31', version: '' }),
  ).toBe('gpt-4o-mini → gpt-4o-mini-2025-01-31');
  expect(changeLabel({ kind: 'prompt_drift', model: 'm', after: 'ab12', version: '3' })).toBe('prompt text ≠ v3');
});
