/**
 * Early stopping for large effects, checked live every 10 s from the deployment through a 30-minute bake window
 * (5 requests/s unless said otherwise, before/after comparison, 2-minute skip): the regular sequential verdict on
 * the arms after the skip, and — while a critical metric lacks samples — the early verdict on the arms from the
 * switch on. Under A/A, over hundreds of seeds, the chance of EVER failing stays within the metric's fail α; too
 * little traffic still ends `inconclusive`; a large regression fails within a minute.
 */
import { describe, expect, it } from 'vitest';
import {
  defaultDetectorConfig,
  failAlpha,
  judgeDeployment,
  judgeEarlyStop,
  judgeMetric,
  type ArmSummary,
  type MetricName,
  type MetricVerdict,
} from '../../server/stats/index.js';
import { emptyArm } from './arms.js';
import { Random } from './random.js';

const config = defaultDetectorConfig();
const BAKE_S = 30 * 60;
const SKIP_S = config.skipMinutesAfterSwitch * 60;
const CHECK_EVERY_S = 10;

/**
 * Per-request values of one arm in arrival order away from the switch (after it, or backwards before it), as
 * prefix sums so that any range of requests is an arm in constant time.
 */
interface Stream {
  sum: Float64Array;
  sumSq: Float64Array;
  errors: Uint32Array;
}

function stream(rng: Random, n: number, quality: number, errorRate: number): Stream {
  const s: Stream = { sum: new Float64Array(n + 1), sumSq: new Float64Array(n + 1), errors: new Uint32Array(n + 1) };
  for (let i = 0; i < n; i++) {
    const q = Math.min(1, Math.max(0, rng.normal(quality, 0.15)));
    s.sum[i + 1] = s.sum[i]! + q;
    s.sumSq[i + 1] = s.sumSq[i]! + q * q;
    s.errors[i + 1] = s.errors[i]! + rng.bernoulli(errorRate);
  }
  return s;
}

/** The arm holding requests [from, to) of a stream. */
function arm(s: Stream, from: number, to: number): ArmSummary {
  const a = emptyArm(Math.max(0, to - from));
  if (to <= from) return a;
  a.quality = { n: to - from, sum: s.sum[to]! - s.sum[from]!, sumSq: s.sumSq[to]! - s.sumSq[from]! };
  a.errors = s.errors[to]! - s.errors[from]!;
  return a;
}

interface Live {
  /** Seconds after the deployment of the first `fail` (null: never). */
  failedAt: number | null;
  everWarnOrFail: boolean;
  /** The verdict at the end of the bake window. */
  final: MetricVerdict;
}

/** One deployment checked every 10 s: the regular verdict, else the early one for a metric still short of samples. */
function live(name: MetricName, before: Stream, after: Stream, perSecond: number): Live {
  let failedAt: number | null = null;
  let everWarnOrFail = false;
  let final: MetricVerdict | undefined;
  for (let t = CHECK_EVERY_S; t <= BAKE_S; t += CHECK_EVERY_S) {
    const regular = Math.max(0, Math.floor((t - SKIP_S) * perSecond));
    const skipped = Math.floor(Math.min(t, SKIP_S) * perSecond);
    const early = Math.floor(t * perSecond);
    const options = { mode: 'sequential' as const };
    let v = judgeMetric(name, arm(before, 0, regular), arm(after, skipped, skipped + regular), config, options);
    if (v.verdict === 'inconclusive') {
      v = judgeEarlyStop(name, arm(before, 0, early), arm(after, 0, early), config) ?? v;
    }
    if (v.verdict === 'fail' && failedAt === null) failedAt = t;
    if (v.verdict === 'fail' || v.verdict === 'warn') everWarnOrFail = true;
    final = v;
  }
  return { failedAt, everWarnOrFail, final: final! };
}

function simulate(
  name: MetricName,
  seeds: number,
  perSecond: number,
  quality: [number, number],
  errors: [number, number],
) {
  const n = Math.ceil(BAKE_S * perSecond) + 1;
  return Array.from({ length: seeds }, (_, i) => {
    const rng = new Random(7919 * (i + 1) + name.length);
    return live(name, stream(rng, n, quality[0], errors[0]), stream(rng, n, quality[1], errors[1]), perSecond);
  });
}

const within = (rate: number, alpha: number, seeds: number) =>
  expect(rate).toBeLessThanOrEqual(alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / seeds));

describe('A/A with early stopping, checked every 10 s for 30 minutes', () => {
  it.each([
    ['quality', 300, 5, [0.8, 0.8], [0.02, 0.02]],
    ['quality', 300, 1, [0.8, 0.8], [0.02, 0.02]],
    ['error_rate', 300, 5, [0.8, 0.8], [0.02, 0.02]],
  ] as const)(
    '%s: the chance of ever failing stays within its fail α (%i seeds, %i requests/s)',
    (name, seeds, perSecond, quality, errors) => {
      const runs = simulate(name, seeds, perSecond, [...quality], [...errors]);
      const everFailed = runs.filter((r) => r.failedAt !== null).length;
      within(everFailed / seeds, failAlpha(config, name), seeds);
      within(runs.filter((r) => r.everWarnOrFail).length / seeds, config.alpha, seeds);
      // Early stopping changes nothing when nothing changed: every deployment is judged by the end.
      expect(runs.every((r) => r.final.verdict !== 'inconclusive')).toBe(true);
    },
  );
});

describe('low traffic stays inconclusive', () => {
  it('below the minimum sample by the end of the bake window, A/A never fails or passes: it ends inconclusive', () => {
    // 0.2 requests/s: 336 scored requests per arm after the skip by the end, 500 needed.
    const runs = simulate('quality', 200, 0.2, [0.8, 0.8], [0.02, 0.02]);
    expect(runs.filter((r) => r.failedAt !== null)).toEqual([]);
    expect(new Set(runs.map((r) => r.final.verdict))).toEqual(new Set(['inconclusive']));
    const bakeEnded = judgeDeployment([runs[0]!.final], config, { bakeEnded: true });
    expect(bakeEnded.verdict).toBe('inconclusive');
  });

  it('below the early-stop floor, even a large drop cannot fail early', () => {
    // One request every 40 s: 45 per arm from the switch by the end (the early floor is 50), 0.8 → 0.6.
    const runs = simulate('quality', 100, 1 / 40, [0.8, 0.6], [0.02, 0.02]);
    expect(runs.filter((r) => r.failedAt !== null)).toEqual([]);
    expect(runs.every((r) => r.final.verdict === 'inconclusive')).toBe(true);
  });
});

describe('large regressions end the wait early', () => {
  it('quality 0.8 → 0.6 at 5 requests/s fails within a minute (inside the 2-minute skip)', () => {
    const runs = simulate('quality', 100, 5, [0.8, 0.6], [0.02, 0.02]);
    const times = runs.map((r) => r.failedAt ?? Infinity).sort((a, b) => a - b);
    expect(times.at(-1)).toBeLessThanOrEqual(60);
    const first = runs[0]!;
    expect(first.final).toMatchObject({ verdict: 'fail', name: 'quality' });
  });

  it('an early failure is marked and needs the stricter evidence', () => {
    const rng = new Random(1);
    const before = stream(rng, 100, 0.8, 0.02);
    const after = stream(rng, 100, 0.6, 0.02);
    const v = judgeEarlyStop('quality', arm(before, 0, 100), arm(after, 0, 100), config, {
      mode: 'sequential',
    } as never);
    expect(v).toMatchObject({ verdict: 'fail', earlyStop: true });
    expect(v!.eValue).toBeGreaterThanOrEqual(1 / (failAlpha(config, 'quality') * config.earlyStop.alphaFactor));
    expect(v!.reason).toMatch(/early stop/);
    // Too few samples for the early floor, or early stopping off: no early verdict.
    expect(judgeEarlyStop('quality', arm(before, 0, 20), arm(after, 0, 20), config)).toBeNull();
    const off = { ...config, earlyStop: { ...config.earlyStop, enabled: false } };
    expect(judgeEarlyStop('quality', arm(before, 0, 100), arm(after, 0, 100), off)).toBeNull();
    // Never for a metric that is not critical.
    expect(judgeEarlyStop('cost_per_request', arm(before, 0, 100), arm(after, 0, 100), config)).toBeNull();
  });
});
