/**
 * Always-valid mixture sequential probability ratio test (mSPRT) on a difference of means
 * (Johari, Pekelis & Walsh, "Always valid inference", 2017; the test behind Optimizely / LaunchDarkly guarded
 * rollouts).
 *
 * With d = m_B − m_A and v = s_B²/n_B + s_A²/n_A (the variance of d), the likelihood ratio of "d ~ N(θ, v),
 * θ ~ N(0, τ²)" against "θ = 0" is
 *   Λ = sqrt(v / (v + τ²)) · exp(τ² d² / (2 v (v + τ²)))
 *   log Λ = ½·ln(v / (v + τ²)) + τ² d² / (2 v (v + τ²)).
 * Λ is an e-value: under H0 it is a martingale with mean 1, so by Ville's inequality P(Λ ever ≥ 1/α) ≤ α. The
 * test may therefore be checked after every new batch of data (every minute) without inflating false positives.
 * τ is the mixture's spread: the smallest effect that matters; the test is valid for any τ, most powerful near it.
 *
 * A rejection only counts when d points in the harmful direction; Λ itself is symmetric in d.
 */
import type { MeanSummary } from './welch.js';

export type HarmDirection = 'increase' | 'decrease';

export interface MsprtResult {
  /** Observed difference of means, candidate − baseline. */
  d: number;
  /** Estimated variance of d. */
  v: number;
  tau: number;
  logLambda: number;
  /** Λ = e^{log Λ}; may be Infinity for overwhelming evidence. */
  eValue: number;
  /** ln(1/α): the rejection threshold for log Λ. */
  logThreshold: number;
  /** log Λ ≥ ln(1/α) and d is in the harmful direction. */
  rejected: boolean;
}

export interface MsprtInput {
  d: number;
  v: number;
  tau: number;
  alpha: number;
  harmful: HarmDirection;
}

export function msprt(input: MsprtInput): MsprtResult {
  const { d, v, tau, alpha, harmful } = input;
  const logThreshold = Math.log(1 / alpha);
  const tau2 = tau * tau;
  let logLambda: number;
  if (!(tau2 > 0) || !Number.isFinite(d)) {
    logLambda = 0; // no mixture spread or no data: no evidence either way
  } else if (v > 0) {
    logLambda = 0.5 * Math.log(v / (v + tau2)) + (tau2 * d * d) / (2 * v * (v + tau2));
  } else {
    // Zero variance: the difference is known exactly. Any non-zero d is infinite evidence.
    logLambda = d === 0 ? 0 : Infinity;
  }
  const harmfulSign = harmful === 'increase' ? d > 0 : d < 0;
  return {
    d,
    v,
    tau,
    logLambda,
    eValue: Math.exp(logLambda),
    logThreshold,
    rejected: harmfulSign && logLambda >= logThreshold,
  };
}

/** mSPRT from the two arms' means and sample variances (candidate − baseline). Null when an arm has n < 2. */
export function msprtFromSummaries(
  baseline: MeanSummary,
  candidate: MeanSummary,
  tau: number,
  alpha: number,
  harmful: HarmDirection,
): MsprtResult | null {
  if (!(baseline.n >= 2 && candidate.n >= 2)) return null;
  const d = candidate.mean - baseline.mean;
  const v = candidate.variance / candidate.n + baseline.variance / baseline.n;
  if (!Number.isFinite(v)) return null;
  return msprt({ d, v, tau, alpha, harmful });
}

/**
 * mSPRT on two proportions (error rate, fraction above a pooled quantile): a proportion is the mean of a 0/1
 * variable, with variance p(1 − p). Null when an arm is empty.
 */
export function msprtProportions(
  baselineSuccesses: number,
  baselineN: number,
  candidateSuccesses: number,
  candidateN: number,
  tau: number,
  alpha: number,
  harmful: HarmDirection,
): MsprtResult | null {
  if (!(baselineN > 0 && candidateN > 0)) return null;
  const pA = baselineSuccesses / baselineN;
  const pB = candidateSuccesses / candidateN;
  let v = (pA * (1 - pA)) / baselineN + (pB * (1 - pB)) / candidateN;
  if (!(v > 0)) {
    // Each arm all-0 or all-1 (e.g. 0/1000 vs 0/1000): fall back to the pooled variance, so that only a real
    // 0-vs-1 contrast (pooled 0 < p̂ < 1) can produce evidence.
    const pooled = (baselineSuccesses + candidateSuccesses) / (baselineN + candidateN);
    v = pooled * (1 - pooled) * (1 / baselineN + 1 / candidateN);
  }
  return msprt({ d: pB - pA, v, tau, alpha, harmful });
}
