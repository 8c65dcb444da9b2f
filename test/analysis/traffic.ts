/**
 * Deterministic synthetic LLM traffic for analysis tests: a seeded generator and per-request values drawn from
 * realistic shapes (log-normal latency, Bernoulli errors, normal quality clipped to 0..1).
 */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export interface TrafficProfile {
  /** Median latency in ms (log-normal, σ = 0.4). */
  latencyMs: number;
  errorRate: number;
  /** Mean quality (sd 0.15, clipped to 0..1). */
  quality: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}

export const BASE_PROFILE: TrafficProfile = {
  latencyMs: 800,
  errorRate: 0.02,
  quality: 0.85,
  costUsd: 0.002,
  inputTokens: 400,
  outputTokens: 120,
};

export interface Request {
  latencyMs: number;
  error: boolean;
  quality: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}

export function drawRequest(random: () => number, p: TrafficProfile): Request {
  return {
    latencyMs: p.latencyMs * Math.exp(0.4 * normal(random)),
    error: random() < p.errorRate,
    quality: Math.min(1, Math.max(0, p.quality + 0.15 * normal(random))),
    costUsd: p.costUsd * Math.exp(0.3 * normal(random)),
    inputTokens: Math.max(1, Math.round(p.inputTokens * Math.exp(0.2 * normal(random)))),
    outputTokens: Math.max(1, Math.round(p.outputTokens * Math.exp(0.3 * normal(random)))),
  };
}
