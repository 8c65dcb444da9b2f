import type { DatasetItem } from './dataset-item.js';

/**
 * Export in the import formats, so an export imports back unchanged: JSONL with one item per line, or CSV with
 * `id`, `category`, `expected`, `metadata` and one column per input variable (values that are not strings as JSON).
 */
export function itemsToJsonl(items: readonly DatasetItem[]): string {
  return (
    items
      .map((i) =>
        JSON.stringify({ id: i.id, input: i.input, expected: i.expected, category: i.category, metadata: i.metadata }),
      )
      .join('\n') + (items.length ? '\n' : '')
  );
}

export function itemsToCsv(items: readonly DatasetItem[]): string {
  const variables = [...new Set(items.flatMap((i) => Object.keys(i.input)))].filter(
    (v) => !['id', 'category', 'expected', 'metadata', 'input'].includes(v),
  );
  const header = ['id', 'category', 'expected', 'metadata', ...variables];
  const rows = items.map((i) => [
    i.id,
    i.category,
    i.expected === null || i.expected === undefined
      ? ''
      : typeof i.expected === 'string'
        ? i.expected
        : JSON.stringify(i.expected),
    Object.keys(i.metadata).length ? JSON.stringify(i.metadata) : '',
    ...variables.map((v) => {
      const value = i.input[v];
      return value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    }),
  ]);
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** RFC 4180 quoting; a leading =, + or @ (or - before a non-number) is prefixed with ' so spreadsheets do not run it as a formula. */
function cell(value: string): string {
  const safe = /^[=+@]|^-[^\d\s.]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== value ? `"${safe.replaceAll('"', '""')}"` : safe;
}
