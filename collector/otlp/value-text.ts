/**
 * How attribute values become text, matching the OpenTelemetry Collector's `pcommon.Value.AsString` (what its
 * ClickHouse exporter stores): doubles in shortest fixed notation, bytes as base64, arrays and maps as JSON whose
 * ints are exact decimals. Both codecs use these, so a span stores the same text whichever encoding sent it.
 */

/** A double as Go's `strconv.FormatFloat(v, 'f', -1, 64)`: shortest round-trip digits, never an exponent. */
export function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  const text = String(value);
  if (!text.includes('e')) return text;
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const exponent = Number(exponentText);
  const fixed =
    exponent < 0
      ? '0.' + '0'.repeat(-exponent - 1) + digits
      : digits + '0'.repeat(Math.max(0, exponent + 1 - digits.length));
  return (negative ? '-' : '') + fixed;
}

/** A double inside JSON text: finite numbers as JSON numbers, NaN and infinities as strings. */
export function doubleJson(value: number): string {
  return Number.isFinite(value) ? JSON.stringify(value) : JSON.stringify(formatDouble(value));
}

export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** Joins already-encoded JSON members into an array or object text. */
export const jsonArray = (items: string[]) => '[' + items.join(',') + ']';
export const jsonObject = (members: [string, string][]) =>
  '{' + members.map(([k, v]) => JSON.stringify(k) + ':' + v).join(',') + '}';
