import { createHash } from 'node:crypto';

export type Arm = 'stable' | 'canary';

/**
 * The key's position in [0, 1) for one canary candidate: the first 52 bits of
 * SHA-256(prompt, environment, candidate version, key). Stable across processes and restarts, so the same key always
 * lands on the same arm; uniform, so the share of keys below `percent / 100` matches the percentage. Raising the
 * percentage keeps every key already on the candidate there; a new candidate draws a fresh sample of keys.
 */
export function keyPosition(prompt: string, environment: string, candidate: number, key: string): number {
  const digest = createHash('sha256').update(`${prompt}\u0000${environment}\u0000${candidate}\u0000${key}`).digest();
  return Number(digest.readBigUInt64BE(0) >> 12n) / 2 ** 52;
}

/** The arm for a caller: by `key` when given (sticky), otherwise at random with the canary's probability. */
export function chooseArm(
  canary: { version: number; percent: number },
  lane: { prompt: string; environment: string },
  key: string | undefined,
  random: () => number = Math.random,
): Arm {
  const position = key === undefined ? random() : keyPosition(lane.prompt, lane.environment, canary.version, key);
  return position < canary.percent / 100 ? 'canary' : 'stable';
}
