import { describe, expect, it } from 'vitest';
import { jsonText, sideBySide } from './side-by-side.js';

describe('sideBySide', () => {
  it('pairs a removed block with the added block after it and keeps equal lines on both sides', () => {
    const rows = sideBySide([
      { op: 'equal', text: 'You are a support agent.' },
      { op: 'remove', text: 'Be brief.' },
      { op: 'remove', text: 'Use English.' },
      { op: 'add', text: 'Be thorough.' },
      { op: 'equal', text: 'Sign off.' },
      { op: 'add', text: 'P.S.' },
    ]);
    expect(rows).toEqual([
      {
        left: { text: 'You are a support agent.', op: 'equal' },
        right: { text: 'You are a support agent.', op: 'equal' },
      },
      { left: { text: 'Be brief.', op: 'remove' }, right: { text: 'Be thorough.', op: 'add' } },
      { left: { text: 'Use English.', op: 'remove' }, right: null },
      { left: { text: 'Sign off.', op: 'equal' }, right: { text: 'Sign off.', op: 'equal' } },
      { left: null, right: { text: 'P.S.', op: 'add' } },
    ]);
  });

  it('renders JSON values as text', () => {
    expect(jsonText({ a: 1 })).toBe('{\n  "a": 1\n}');
    expect(jsonText('x')).toBe('x');
    expect(jsonText(null)).toBe('—');
  });
});
