import { describe, expect, it } from 'vitest';
import { chooseArm, keyPosition } from '../../server/registry/canary-assignment.js';

const lane = { prompt: 'support/triage', environment: 'production' };
const keys = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);

describe('canary assignment', () => {
  it('puts the configured share of 10,000 keys on the candidate, within statistical tolerance', () => {
    for (const percent of [1, 10, 25, 50, 90]) {
      const onCanary = keys.filter((key) => chooseArm({ version: 7, percent }, lane, key) === 'canary').length;
      const expected = keys.length * (percent / 100);
      const sd = Math.sqrt(keys.length * (percent / 100) * (1 - percent / 100));
      expect(Math.abs(onCanary - expected)).toBeLessThan(4 * sd); // a 4-sigma band: fails by chance ~1 in 16,000
    }
  });

  it('assigns the same key to the same arm every time', () => {
    const canary = { version: 3, percent: 30 };
    const first = keys.map((key) => chooseArm(canary, lane, key));
    const again = keys.map((key) => chooseArm(canary, lane, key));
    expect(again).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['stable', 'canary']));
  });

  it('keeps every key already on the candidate there when the percentage grows', () => {
    const at10 = keys.filter((key) => chooseArm({ version: 3, percent: 10 }, lane, key) === 'canary');
    const at50 = new Set(keys.filter((key) => chooseArm({ version: 3, percent: 50 }, lane, key) === 'canary'));
    expect(at10.every((key) => at50.has(key))).toBe(true);
  });

  it('draws a different sample of keys for another candidate, prompt or environment', () => {
    const positions = (prompt: string, environment: string, version: number) =>
      keys.slice(0, 100).map((key) => keyPosition(prompt, environment, version, key));
    const base = positions('a', 'production', 1);
    expect(positions('a', 'production', 2)).not.toEqual(base);
    expect(positions('b', 'production', 1)).not.toEqual(base);
    expect(positions('a', 'staging', 1)).not.toEqual(base);
    expect(base.every((p) => p >= 0 && p < 1)).toBe(true);
  });

  it('without a key draws at random with the canary probability', () => {
    expect(chooseArm({ version: 2, percent: 10 }, lane, undefined, () => 0.05)).toBe('canary');
    expect(chooseArm({ version: 2, percent: 10 }, lane, undefined, () => 0.15)).toBe('stable');
  });
});
