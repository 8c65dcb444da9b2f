/** Reading a model's output as JSON: plain, or inside a ```json fence, as models often answer. */
const FENCE = /^```(?:json)?\s*\n?([\s\S]*?)\n?```$/i;

export function parseOutputJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const trimmed = text.trim();
  const body = FENCE.exec(trimmed)?.[1] ?? trimmed;
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (err) {
    return { ok: false, error: `output is not JSON: ${(err as Error).message}` };
  }
}

/** The value at a dot path (`routing.team`), or undefined. */
export function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** JSON equality, object key order ignored. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((x, i) => jsonEqual(x, other[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => Object.hasOwn(y, k) && jsonEqual(x[k], y[k]));
}

/** The expected output as JSON: a JSON value as is, a string parsed when it holds JSON. */
export function expectedJson(expected: unknown): unknown {
  if (typeof expected !== 'string') return expected;
  const parsed = parseOutputJson(expected);
  return parsed.ok ? parsed.value : expected;
}
