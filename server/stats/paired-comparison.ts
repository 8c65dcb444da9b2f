import { holmAdjust } from './holm.js';
import { exactMcNemar } from './mcnemar.js';
import { wilcoxonSignedRank } from './wilcoxon.js';

/**
 * Two prompt versions scored on the same labelled items, compared per category and pooled (integrations.md G).
 * Only items both versions answered count. Pass/fail scores get the exact McNemar test, continuous scores the exact
 * Wilcoxon signed-rank test; categories are Holm-adjusted together, the pooled row is the pre-declared primary
 * result. Fewer than MIN_INFORMATIVE discordant pairs (non-zero differences) cannot reach p < 0.05 whatever
 * happened, so such a row says "not enough items" instead of "no change".
 */
export type ScoreKind = 'binary' | 'continuous';

export interface PairedScore {
  category: string;
  /** null when that version failed on the item (error, no answer, evaluator error). */
  baseline: number | null;
  candidate: number | null;
}

export type PairedStatus = 'regressed' | 'improved' | 'not_significant' | 'not_enough_items' | 'unchanged';

export interface PairedRow {
  /** The category, or `all` for the pooled row. */
  category: string;
  /** Items both versions answered. */
  n: number;
  /** Items only one version (or neither) answered: left out of the test. */
  unpaired: number;
  baselinePassed: number;
  candidatePassed: number;
  baselineMean: number | null;
  candidateMean: number | null;
  test: 'mcnemar' | 'wilcoxon';
  /** McNemar: baseline pass & candidate fail. Wilcoxon: differences below zero. */
  worse: number;
  /** McNemar: baseline fail & candidate pass. Wilcoxon: differences above zero. */
  better: number;
  pValue: number;
  /** Holm-adjusted across categories; the pooled row keeps its own p. */
  adjustedP: number;
  /** Pass-rate difference (c − b)/n, or the mean difference of continuous scores. */
  effect: number;
  status: PairedStatus;
  /** The sentence a reviewer reads: `billing 4/5 → 2/5: McNemar exact p = 0.5 …`. */
  summary: string;
}

export const ALPHA = 0.05;
export const PASS_THRESHOLD = 0.5;
/** Smallest exact p with 5 discordant pairs all one way is 0.0625: at least 6 are needed at α = 0.05. */
export const MIN_INFORMATIVE = 6;
export const ALL = 'all';

export function comparePaired(
  items: readonly PairedScore[],
  kind: ScoreKind,
): { overall: PairedRow; categories: PairedRow[] } {
  const names = [...new Set(items.map((i) => i.category))].sort();
  const rows = names.map((name) =>
    measure(
      name,
      items.filter((i) => i.category === name),
      kind,
    ),
  );
  const adjusted = holmAdjust(rows.map((r) => r.pValue));
  const categories = rows.map((r, i) => finish(r, adjusted[i] ?? 1));
  const overall = finish(measure(ALL, items, kind), null);
  return { overall, categories };
}

type Measured = Omit<PairedRow, 'adjustedP' | 'status' | 'summary'>;

function measure(category: string, items: readonly PairedScore[], kind: ScoreKind): Measured {
  const paired = items.filter(
    (i): i is PairedScore & { baseline: number; candidate: number } => i.baseline !== null && i.candidate !== null,
  );
  const n = paired.length;
  const pass = (s: number) => s >= PASS_THRESHOLD;
  const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
  const base = {
    category,
    n,
    unpaired: items.length - n,
    baselinePassed: paired.filter((i) => pass(i.baseline)).length,
    candidatePassed: paired.filter((i) => pass(i.candidate)).length,
    baselineMean: mean(paired.map((i) => i.baseline)),
    candidateMean: mean(paired.map((i) => i.candidate)),
  };
  if (kind === 'binary') {
    const worse = paired.filter((i) => pass(i.baseline) && !pass(i.candidate)).length;
    const better = paired.filter((i) => !pass(i.baseline) && pass(i.candidate)).length;
    const { pValue } = exactMcNemar(worse, better);
    return { ...base, test: 'mcnemar', worse, better, pValue, effect: n === 0 ? 0 : (better - worse) / n };
  }
  const differences = paired.map((i) => i.candidate - i.baseline);
  const result = wilcoxonSignedRank(differences);
  const worse = differences.filter((d) => d < -1e-12).length;
  const better = differences.filter((d) => d > 1e-12).length;
  const effect = n === 0 ? 0 : differences.reduce((a, b) => a + b, 0) / n;
  return { ...base, test: 'wilcoxon', worse, better, pValue: result.pValue, effect };
}

function finish(row: Measured, adjusted: number | null): PairedRow {
  const adjustedP = adjusted ?? row.pValue;
  const informative = row.worse + row.better;
  const status: PairedStatus =
    informative === 0
      ? 'unchanged'
      : informative < MIN_INFORMATIVE
        ? 'not_enough_items'
        : adjustedP < ALPHA
          ? row.effect < 0
            ? 'regressed'
            : 'improved'
          : 'not_significant';
  return { ...row, adjustedP, status, summary: summarize(row, adjustedP, adjusted !== null, status) };
}

const fmtP = (p: number) => (p < 0.001 ? p.toExponential(1) : String(Number(p.toPrecision(2))));

function summarize(row: Measured, adjustedP: number, holm: boolean, status: PairedStatus): string {
  const counts =
    row.test === 'mcnemar'
      ? `${row.baselinePassed}/${row.n} → ${row.candidatePassed}/${row.n}`
      : `mean ${fmt(row.baselineMean)} → ${fmt(row.candidateMean)} (n = ${row.n})`;
  const test = row.test === 'mcnemar' ? 'McNemar exact' : 'Wilcoxon signed-rank exact';
  const p = `${test} p = ${fmtP(row.pValue)}${holm ? `, Holm-adjusted ${fmtP(adjustedP)}` : ''}`;
  const pairs = row.test === 'mcnemar' ? 'discordant items' : 'non-zero differences';
  const verdict: Record<PairedStatus, string> = {
    regressed: 'regressed',
    improved: 'improved',
    not_significant: 'not significant',
    unchanged: `no change (no ${pairs})`,
    not_enough_items: `not enough items: ${row.worse + row.better} ${pairs}, a change needs ≥ ${MIN_INFORMATIVE}`,
  };
  return `${row.category} ${counts}: ${verdict[status]}; ${p}`;
}

const fmt = (x: number | null) => (x === null ? '—' : x.toFixed(2));
