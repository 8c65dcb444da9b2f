export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * The wait after failed attempt number `attempt` (1-based): base·2^(attempt−1), capped at `maxMs`, then scaled by
 * a random factor in [0.5, 1) so endpoints recovering from an outage are not hit by every retry at once.
 */
export function retryDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const nominal = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(nominal * (0.5 + random() / 2));
}
