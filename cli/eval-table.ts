import type { RunComparison } from '../server/experiments/compare-runs.js';
import type { ItemResult } from '../server/experiments/run-results.js';
import type { PairedRow } from '../server/stats/paired-comparison.js';

/** The tables `tracelane eval run` prints: per score and category, baseline against candidate, or one run alone. */
const STATUS: Record<PairedRow['status'], string> = {
  regressed: 'REGRESSED',
  improved: 'improved',
  not_significant: 'no significant change',
  unchanged: 'unchanged',
  not_enough_items: 'not enough items',
};

const p = (x: number) => (x < 0.001 ? x.toExponential(1) : x.toFixed(3));

function counts(row: PairedRow, side: 'baseline' | 'candidate'): string {
  if (row.test === 'mcnemar') return `${side === 'baseline' ? row.baselinePassed : row.candidatePassed}/${row.n}`;
  const mean = side === 'baseline' ? row.baselineMean : row.candidateMean;
  return mean === null ? '—' : `mean ${mean.toFixed(2)}`;
}

export function comparisonTable(c: RunComparison, versions: { baseline: number; candidate: number }): string {
  const out: string[] = [];
  for (const score of c.scores) {
    const test = score.kind === 'binary' ? 'exact McNemar' : 'exact Wilcoxon signed-rank';
    out.push(
      `${score.name}: v${versions.baseline} → v${versions.candidate} (${test} on the items both answered; Holm across categories)`,
    );
    const rows = [...score.categories, score.overall].map((r) => [
      r.category,
      counts(r, 'baseline'),
      counts(r, 'candidate'),
      String(r.worse + r.better),
      p(r.pValue),
      r.category === 'all' ? '—' : p(r.adjustedP),
      STATUS[r.status] +
        (r.status === 'not_enough_items' ? ` (needs ≥ 6 ${r.test === 'mcnemar' ? 'discordant' : 'non-zero'})` : ''),
    ]);
    out.push(
      ...align([
        ['category', `v${versions.baseline}`, `v${versions.candidate}`, 'changed', 'p', 'Holm p', 'result'],
        ...rows,
      ]),
      '',
    );
  }
  out.push(
    c.regressions.length === 0
      ? 'no category regressed'
      : `regressed: ${c.regressions.map((r) => `${r.score}/${r.category}`).join(', ')}`,
  );
  return out.join('\n');
}

/** One run without a baseline: items passing (score ≥ 0.5) per score and category, and failures. */
export function runTable(results: readonly ItemResult[], scores: readonly string[]): string {
  const categories = [...new Set(results.map((r) => r.category))].sort();
  const rows = [...categories, 'all'].map((category) => {
    const items = results.filter((r) => category === 'all' || r.category === category);
    return [
      category,
      ...scores.map((name) => {
        const values = items
          .map((r) => r.scores.find((s) => s.name === name)?.score)
          .filter((v): v is number => typeof v === 'number');
        return `${values.filter((v) => v >= 0.5).length}/${values.length}`;
      }),
      String(items.filter((r) => r.error !== '').length),
    ];
  });
  return align([['category', ...scores, 'failed'], ...rows]).join('\n');
}

function align(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}
