import type { CollectorMetrics } from '../metrics.js';

/**
 * OTLP_MAX_INFLIGHT_BYTES: the decoded (decompressed) bytes of all export requests being processed at once, from the
 * first byte read until the request's spans are stored. Decoding multiplies a body several times in memory, so this
 * bound — not the per-request OTLP_MAX_BODY_BYTES — is what keeps many concurrent large exports from exhausting the
 * server; beyond it a request is refused with 429 / RESOURCE_EXHAUSTED and a retry delay. A request arriving when
 * nothing else is in flight is always taken, whatever its size (it is already bounded by OTLP_MAX_BODY_BYTES).
 */
export class InflightBudget {
  constructor(
    private readonly limit: number,
    private readonly metrics: CollectorMetrics,
  ) {}

  /** Seconds a refused client is asked to wait. */
  static readonly RETRY_AFTER_S = 1;

  /** Takes `bytes` more for a request already holding `held`; false (nothing taken) when the bound would be passed. */
  take(bytes: number, held: number): boolean {
    const m = this.metrics;
    const others = m.inflightBytes - held;
    if (others > 0 && m.inflightBytes + bytes > this.limit) return false;
    m.inflightBytes += bytes;
    if (m.inflightBytes > m.inflightBytesPeak) m.inflightBytesPeak = m.inflightBytes;
    return true;
  }

  release(bytes: number): void {
    this.metrics.inflightBytes -= bytes;
  }
}

/** What a request has taken from the budget, released once when it ends. */
export class InflightShare {
  private taken = 0;

  constructor(private readonly budget: InflightBudget) {}

  take(bytes: number): boolean {
    if (!this.budget.take(bytes, this.taken)) return false;
    this.taken += bytes;
    return true;
  }

  release(): void {
    this.budget.release(this.taken);
    this.taken = 0;
  }
}
