import { describe, expect, it } from 'vitest';
import {
  formatStrategyText as formatStrategy,
  parseStrategyText as parseStrategy,
} from '../../server/ramps/strategy-text.js';

describe('strategy text', () => {
  it('reads steps in the forms people type, the final 100% implied', () => {
    const steps = [
      { percent: 5, minutes: 15 },
      { percent: 25, minutes: 30 },
    ];
    expect(parseStrategy('5% 15m → 25% 30m → 100%')).toEqual({ strategy: { steps } });
    expect(parseStrategy('5%15min, 25 % 30 minutes')).toEqual({ strategy: { steps } });
    expect(parseStrategy('5% 15m -> 25% 30m')).toEqual({ strategy: { steps } });
  });

  it('round-trips what it writes', () => {
    const text = '2.5% 10m → 50% 60m → 100%';
    const parsed = parseStrategy(text);
    expect('strategy' in parsed && formatStrategy(parsed.strategy)).toBe(text);
  });

  it('names the step that cannot be read', () => {
    const error = (text: string) => {
      const parsed = parseStrategy(text);
      return 'error' in parsed ? parsed.error : '';
    };
    expect(error('')).toContain('at least one step');
    expect(error('5% 15m → lots')).toContain('step 2 ("lots")');
    expect(error('5%')).toContain('how many minutes');
    expect(parseStrategy('100%')).toEqual({ error: 'a ramp needs a step below 100%' });
  });
});
