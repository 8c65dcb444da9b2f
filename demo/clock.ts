/**
 * The demo's clock. The story of the last minutes is replayed fast: virtual time starts `leadMs` in the past,
 * runs `speed` times faster than the wall clock, and from the moment it catches up it is the wall clock. Span and
 * deployment times are virtual times, so they are never in the future and everything lines up on the charts.
 */
export class DemoClock {
  readonly virtualStart: number;

  constructor(
    readonly speed: number,
    leadMs: number,
    private readonly realStart = Date.now(),
  ) {
    this.virtualStart = realStart - leadMs;
  }

  now(): number {
    const real = Date.now();
    return Math.min(real, this.virtualStart + (real - this.realStart) * this.speed);
  }

  /** True once virtual time has caught up with the wall clock. */
  live(): boolean {
    return this.now() >= Date.now() - 1000;
  }
}

/** The lead that makes a story of `storyMs` end exactly when the clock catches up (none at speed 1). */
export function leadFor(storyMs: number, speed: number): number {
  return storyMs * (1 - 1 / speed);
}
