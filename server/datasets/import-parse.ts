import { parse } from 'csv-parse/sync';
import { itemInput, type NewItem } from './dataset-item.js';

/**
 * Reading an import (pure): JSONL (one item object per line) or CSV (a header row; columns `id`, `category`,
 * `expected`, `metadata` and `input` have their meaning, every other column is an input variable). Each line is
 * checked on its own: a bad line is reported with its number and reason and rejects nothing else.
 *
 * CSV `expected` is free text unless it holds a JSON object or array; `metadata` and `input` hold JSON objects.
 */
export type ImportFormat = 'jsonl' | 'csv';

export interface ImportLineError {
  line: number;
  message: string;
}

export interface ParsedImport {
  items: { line: number; item: NewItem }[];
  errors: ImportLineError[];
}

export const MAX_IMPORT_ITEMS = 50_000;

export function parseImport(format: ImportFormat, text: string): ParsedImport {
  const result = format === 'jsonl' ? parseJsonl(text) : parseCsv(text);
  return rejectDuplicateIds(result);
}

function parseJsonl(text: string): ParsedImport {
  const out: ParsedImport = { items: [], errors: [] };
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      out.errors.push({ line, message: `not valid JSON: ${(err as Error).message}` });
      return;
    }
    accept(out, line, value);
  });
  return out;
}

const RESERVED = new Set(['id', 'category', 'expected', 'metadata', 'input']);

function parseCsv(text: string): ParsedImport {
  const out: ParsedImport = { items: [], errors: [] };
  type CsvRecord = { record: Record<string, string>; info: { lines: number } };
  let records: CsvRecord[];
  try {
    records = parse<CsvRecord>(text, {
      columns: (header: string[]) => header.map((h) => h.trim()),
      info: true,
      bom: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (err: { lines?: number; message: string } | undefined) => {
        if (err) out.errors.push({ line: err.lines ?? 0, message: err.message });
      },
    });
  } catch (err) {
    return { items: [], errors: [{ line: 1, message: `cannot read the CSV header: ${(err as Error).message}` }] };
  }
  for (const { record, info } of records) {
    const line = info.lines;
    const item: Record<string, unknown> = { input: {} };
    const input = item.input as Record<string, unknown>;
    try {
      for (const [column, value] of Object.entries(record)) {
        if (column === '') continue;
        if (!RESERVED.has(column)) input[column] = value;
        else if (column === 'id' && value !== '') item.id = value;
        else if (column === 'category') item.category = value;
        else if (column === 'expected') item.expected = expectedCell(value);
        else if (column === 'metadata' && value !== '') item.metadata = jsonCell(value, 'metadata');
        else if (column === 'input' && value !== '') Object.assign(input, jsonCell(value, 'input'));
      }
    } catch (err) {
      out.errors.push({ line, message: (err as Error).message });
      continue;
    }
    accept(out, line, item);
  }
  out.errors.sort((a, b) => a.line - b.line);
  return out;
}

function expectedCell(value: string): unknown {
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}

function jsonCell(value: string, column: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error(`${column}: must be a JSON object`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`${column}: must be a JSON object`);
  return parsed as Record<string, unknown>;
}

function accept(out: ParsedImport, line: number, value: unknown): void {
  if (out.items.length >= MAX_IMPORT_ITEMS) {
    out.errors.push({ line, message: `an import holds at most ${MAX_IMPORT_ITEMS} items` });
    return;
  }
  const parsed = itemInput.safeParse(value);
  if (parsed.success) {
    out.items.push({ line, item: parsed.data });
    return;
  }
  const issue = parsed.error.issues[0];
  const path = [
    ...(issue?.path ?? []).map(String),
    ...(issue?.code === 'unrecognized_keys' ? [issue.keys[0] ?? ''] : []),
  ].join('.');
  const missing = issue?.code === 'invalid_type' && issue.input === undefined;
  out.errors.push({
    line,
    message: `${path ? `${path}: ` : ''}${missing ? 'is required' : (issue?.message ?? 'invalid item')}`,
  });
}

function rejectDuplicateIds(result: ParsedImport): ParsedImport {
  const firstLine = new Map<string, number>();
  const items: ParsedImport['items'] = [];
  const errors = [...result.errors];
  for (const entry of result.items) {
    const id = entry.item.id;
    const seen = id === undefined ? undefined : firstLine.get(id);
    if (seen !== undefined) {
      errors.push({ line: entry.line, message: `id: "${id}" is already on line ${seen}` });
      continue;
    }
    if (id !== undefined) firstLine.set(id, entry.line);
    items.push(entry);
  }
  errors.sort((a, b) => a.line - b.line);
  return { items, errors };
}
