import { describe, expect, it } from 'vitest';
import { chooseArm } from '../../server/registry/canary-assignment.js';
import { strategySchema } from '../../server/ramps/strategy.js';

/** A key on the new version at one step of a ramp stays on it at every later step (10,000 keys). */
const lane = { prompt: 'support/triage', environment: 'production' };
const keys = Array.from({ length: 10_000 }, (_, i) => `customer-${i}`);

describe('assignment across the steps of a ramp', () => {
  it('keeps every key of the 5 % at 25 % and 50 %, and each step near its share', () => {
    const strategy = strategySchema.parse({
      steps: [
        { percent: 5, minutes: 15 },
        { percent: 25, minutes: 30 },
        { percent: 50, minutes: 30 },
        { percent: 100 },
      ],
    });
    expect(strategy.steps.map((s) => s.percent)).toEqual([5, 25, 50]);
    let previous = new Set<string>();
    for (const { percent } of strategy.steps) {
      const onCandidate = keys.filter((key) => chooseArm({ version: 4, percent }, lane, key) === 'canary');
      expect([...previous].filter((key) => !onCandidate.includes(key))).toEqual([]);
      const expected = keys.length * (percent / 100);
      const sd = Math.sqrt(expected * (1 - percent / 100));
      expect(Math.abs(onCandidate.length - expected)).toBeLessThan(4 * sd);
      previous = new Set(onCandidate);
    }
  });
});
