import {
  formatNumber,
  judgeAbTest,
  judgeMetric,
  type AbVerdict,
  type DetectorConfig,
  type MomentSums,
} from '../stats/index.js';
import type { AbArm } from './ab-arms-query.js';
import { goalOf, MIN_SAMPLES_PER_VARIANT, type AbTestDefinition, type PrimaryMetric } from './ab-test-definition.js';

/**
 * The result of an A/B test (pure): the primary metric judged across the variants (server/stats/ab-test.ts), and —
 * when a variant other than the control wins — the guardrail metrics of the winner against the control, judged by
 * the regression detector of the environment (significant and past its warn threshold: the guardrail fails).
 *   ship              a variant beats every other one and its guardrails hold
 *   keep              the control beats every other variant
 *   guardrail_failed  a variant wins on the primary metric but regresses a guardrail
 *   no_difference     no variant beats all others at the traffic seen (with the difference that could be detected)
 *   insufficient      a variant has fewer than MIN_SAMPLES_PER_VARIANT observations of the primary metric
 *   running           interim figures of a test still running: never a winner before the end
 */
export type AbDecision = 'ship' | 'keep' | 'guardrail_failed' | 'no_difference' | 'insufficient' | 'running';

export interface GuardrailCheck {
  metric: string;
  verdict: string;
  reason: string;
}

export interface AbResult {
  computedAt: string;
  final: boolean;
  window: { from: string; to: string };
  /** Requests served from the test, per version. */
  requests: { version: number; n: number }[];
  primary: { metric: PrimaryMetric; goal: 'increase' | 'decrease'; verdict: AbVerdict };
  guardrails: GuardrailCheck[];
  decision: AbDecision;
  /** The version to ship (decision `ship`). */
  winner: number | null;
  summary: string;
}

/** The primary metric's moments of one arm. */
export function primaryMoments(arm: AbArm, metric: PrimaryMetric): MomentSums {
  const s = arm.summary;
  switch (metric) {
    case 'quality':
      return s.quality;
    case 'cost_per_request':
      return s.cost;
    case 'latency_ms':
      return arm.latency;
    case 'error_rate':
      return { n: s.n, sum: s.errors, sumSq: s.errors };
    case 'input_tokens':
      return s.inputTokens;
    case 'output_tokens':
      return s.outputTokens;
    default:
      return arm.scores[metric.slice('score:'.length)] ?? { n: 0, sum: 0, sumSq: 0 };
  }
}

export interface AbResultInput {
  definition: AbTestDefinition;
  arms: readonly AbArm[];
  config: DetectorConfig;
  final: boolean;
  window: { from: number; to: number };
  now: number;
}

export function abResult({ definition, arms, config, final, window, now }: AbResultInput): AbResult {
  const metric = definition.primaryMetric;
  const goal = goalOf(metric);
  const verdict = judgeAbTest(
    arms.map((a) => ({ version: a.version, ...primaryMoments(a, metric) })),
    { goal, alpha: definition.alpha, minSamples: MIN_SAMPLES_PER_VARIANT },
  );
  const control = definition.versions[0] as number;
  const winnerArm = arms.find((a) => a.version === verdict.winner);
  const controlArm = arms.find((a) => a.version === control);
  const guardrails =
    winnerArm && controlArm && winnerArm.version !== control
      ? definition.guardrails.map((name) => {
          const m = judgeMetric(name, controlArm.summary, winnerArm.summary, config, { mode: 'fixed' });
          return { metric: name, verdict: m.verdict, reason: m.reason };
        })
      : [];
  const broken = guardrails.filter((g) => g.verdict === 'warn' || g.verdict === 'fail');
  const decision: AbDecision = !final
    ? 'running'
    : verdict.outcome !== 'winner'
      ? verdict.outcome
      : verdict.winner === control
        ? 'keep'
        : broken.length > 0
          ? 'guardrail_failed'
          : 'ship';
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    computedAt: iso(now),
    final,
    window: { from: iso(window.from), to: iso(window.to) },
    requests: arms.map((a) => ({ version: a.version, n: a.summary.n })),
    primary: { metric, goal, verdict },
    guardrails,
    decision,
    winner: decision === 'ship' ? verdict.winner : null,
    summary: summarize(decision, verdict, metric, control, broken),
  };
}

const signed = (x: number) => `${x >= 0 ? '+' : '−'}${formatNumber(Math.abs(x))}`;

function summarize(
  decision: AbDecision,
  v: AbVerdict,
  metric: PrimaryMetric,
  control: number,
  broken: GuardrailCheck[],
): string {
  const effect = v.effect
    ? `${metric} ${signed(v.effect.diff)} (${Math.round((1 - v.pairAlpha) * 1000) / 10}% CI ${signed(v.effect.ci[0])} to ${signed(v.effect.ci[1])}) over v${v.runnerUp}`
    : '';
  const few = v.variants.filter((x) => x.n < MIN_SAMPLES_PER_VARIANT).map((x) => `v${x.version} ${x.n}`);
  const undetected =
    v.detectable === null
      ? ''
      : `: differences in ${metric} smaller than ±${formatNumber(v.detectable)} could not be detected`;
  switch (decision) {
    case 'running':
      return `running; interim: ${v.outcome === 'winner' ? `v${v.winner} ahead, ${effect}` : v.outcome.replace('_', ' ')} (a winner is declared only when the test ends)`;
    case 'insufficient':
      return `too few samples of ${metric} (${few.join(', ')}; ${MIN_SAMPLES_PER_VARIANT} per version needed): no conclusion`;
    case 'no_difference':
      return `no detectable difference at the traffic seen${undetected} (80% power)`;
    case 'keep':
      return `v${control} (control) wins: ${effect}; keep it`;
    case 'guardrail_failed':
      return `v${v.winner} wins on ${metric} (${effect}) but fails guardrails: ${broken.map((g) => g.reason).join('; ')}`;
    case 'ship':
      return `v${v.winner} wins: ${effect}; guardrails hold`;
  }
}
