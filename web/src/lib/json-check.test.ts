import { describe, expect, it } from 'vitest';
import { describeProblem, parseJson } from './json-check.js';

const problemOf = (text: string) => {
  const result = parseJson(text);
  if (result.ok) throw new Error(`expected ${JSON.stringify(text)} to be invalid`);
  return describeProblem(result.problem);
};

describe('parseJson', () => {
  it('returns the value of valid JSON', () => {
    expect(parseJson('[{"name": "lookup", "n": -1.5e3, "ok": true, "x": null}]')).toEqual({
      ok: true,
      value: [{ name: 'lookup', n: -1500, ok: true, x: null }],
    });
  });

  it.each([
    ['[\n  {"name": "a"}\n  {"name": "b"}\n]', "line 3, column 3: expected ',' or ']'"],
    ['{\n  "a": 1,\n  "b": 2,\n}', "line 3, column 9: a comma before '}' has nothing after it"],
    ["{'a': 1}", 'line 1, column 2: expected a property name in double quotes'],
    ['{"a" 1}', "line 1, column 6: expected ':' after the property name"],
    ['{"a": tru}', "line 1, column 7: unexpected 't': expected a value (text needs double quotes)"],
    ['[1, 2', "line 1, column 6: unexpected end of text: expected ',' or ']'"],
    ['{"a": "x\ny"}', 'line 1, column 9: a line break or control character inside a string: write it as \\n'],
    ['["abc', 'line 1, column 2: unterminated string: a closing " is missing'],
    ['[01]', "line 1, column 3: expected ',' or ']'"],
    ['{} {}', 'line 1, column 4: unexpected text after the end of the JSON value'],
    ['["\\x"]', 'line 1, column 3: invalid escape in a string (use \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)'],
    ['', 'line 1, column 1: unexpected end of text: a value is missing'],
  ])('locates the problem in %j', (text, message) => {
    expect(problemOf(text)).toBe(message);
  });

  it('agrees with JSON.parse on validity for many mutated documents', () => {
    const base =
      '{"tools": [{"name": "get_weather", "parameters": {"n": -12.5e-3, "list": [true, false, null, "a\\"b"]}}]}';
    const alphabet = '{}[]:,"\\ \n0123456789-.eEtrufalsn';
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 3000; n++) {
      const at = Math.floor(random() * base.length);
      const kind = random();
      const ch = alphabet[Math.floor(random() * alphabet.length)]!;
      const text =
        kind < 0.33
          ? base.slice(0, at) + base.slice(at + 1)
          : kind < 0.66
            ? base.slice(0, at) + ch + base.slice(at)
            : base.slice(0, at) + ch + base.slice(at + 1);
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      const result = parseJson(text);
      expect(result.ok, text).toBe(valid);
      if (!result.ok) expect(result.problem.message, text).not.toBe('invalid JSON');
    }
  });
});
