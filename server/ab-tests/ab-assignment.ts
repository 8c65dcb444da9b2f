import { createHash } from 'node:crypto';

/**
 * Which version of a running A/B test a caller gets (pure), or null when the caller is outside the test's share of
 * traffic. A key's position in [0, 1) depends only on the test and the key (SHA-256), so a key keeps its version
 * for the whole test; positions below `percent / 100` are in the test, split into equal parts, one per version.
 * Without a key the position is drawn at random.
 */
export function testPosition(testId: string, key: string): number {
  const digest = createHash('sha256').update(`abtest\u0000${testId}\u0000${key}`).digest();
  return Number(digest.readBigUInt64BE(0) >> 12n) / 2 ** 52;
}

export function abVariant(
  test: { id: string; versions: readonly number[]; percent: number },
  key: string | undefined,
  random: () => number = Math.random,
): number | null {
  const position = key === undefined ? random() : testPosition(test.id, key);
  const share = test.percent / 100;
  if (position >= share) return null;
  const index = Math.min(test.versions.length - 1, Math.floor((position / share) * test.versions.length));
  return test.versions[index] ?? null;
}
