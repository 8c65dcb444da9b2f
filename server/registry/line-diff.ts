/** One line of a line diff: kept, added (only in the new text) or removed (only in the old text). */
export interface DiffLine {
  op: 'equal' | 'add' | 'remove';
  text: string;
}

/** Largest middle part (lines × lines) diffed by longest common subsequence; beyond it, a whole replacement. */
const MAX_CELLS = 4_000_000;

/** A minimal line diff (longest common subsequence) of two texts, with common head and tail trimmed first. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const equal = (lines: string[]) => lines.map((text): DiffLine => ({ op: 'equal', text }));
  return [
    ...equal(a.slice(0, head)),
    ...diffMiddle(a.slice(head, a.length - tail), b.slice(head, b.length - tail)),
    ...equal(a.slice(a.length - tail)),
  ];
}

function diffMiddle(a: string[], b: string[]): DiffLine[] {
  const removeAll = a.map((text): DiffLine => ({ op: 'remove', text }));
  const addAll = b.map((text): DiffLine => ({ op: 'add', text }));
  if (a.length === 0 || b.length === 0 || (a.length + 1) * (b.length + 1) > MAX_CELLS) return [...removeAll, ...addAll];
  const width = b.length + 1;
  // lcs[i * width + j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: 'equal', text: a[i++]! });
      j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) {
      out.push({ op: 'remove', text: a[i++]! });
    } else {
      out.push({ op: 'add', text: b[j++]! });
    }
  }
  while (i < a.length) out.push({ op: 'remove', text: a[i++]! });
  while (j < b.length) out.push({ op: 'add', text: b[j++]! });
  return out;
}
