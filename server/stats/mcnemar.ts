/**
 * Exact McNemar test for paired pass/fail results (integrations.md G): only discordant pairs carry information.
 * b = baseline passes and candidate fails, c = baseline fails and candidate passes, n_d = b + c. Under H0 (equal
 * pass rates) b ~ Bin(n_d, ½); the two-sided p = min(1, 2·Σ_{k=0}^{min(b,c)} C(n_d, k)·2^(−n_d)), as statsmodels
 * `mcnemar(exact=True)`.
 */
export interface McNemarResult {
  b: number;
  c: number;
  discordant: number;
  /** Two-sided exact p-value; 1 when there is no discordant pair. */
  pValue: number;
}

export function exactMcNemar(b: number, c: number): McNemarResult {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) {
    throw new RangeError('McNemar counts must be non-negative integers');
  }
  const n = b + c;
  if (n === 0) return { b, c, discordant: 0, pValue: 1 };
  let tail = 0;
  let term = Math.pow(0.5, n); // C(n, 0)·2^(−n), built up term by term to stay exact for large n
  for (let k = 0; k <= Math.min(b, c); k++) {
    tail += term;
    term = (term * (n - k)) / (k + 1);
  }
  return { b, c, discordant: n, pValue: Math.min(1, 2 * tail) };
}
