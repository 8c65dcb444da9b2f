/**
 * JSON checking for the editor's JSON fields, with the line and column of the first problem and a plain message
 * ("line 3, column 12: expected ',' or '}'"). Browsers' JSON.parse messages differ and some carry no position, so
 * the problem is located by a small strict scanner of the JSON grammar (RFC 8259); JSON.parse stays the judge of
 * validity and produces the value.
 */
export interface JsonProblem {
  line: number;
  column: number;
  message: string;
}

export type JsonResult = { ok: true; value: unknown } | { ok: false; problem: JsonProblem };

export function parseJson(text: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    const found = locate(text) ?? { at: text.length, message: 'invalid JSON' };
    return { ok: false, problem: { ...position(text, found.at), message: found.message } };
  }
}

export function describeProblem(problem: JsonProblem): string {
  return `line ${problem.line}, column ${problem.column}: ${problem.message}`;
}

function position(text: string, at: number): { line: number; column: number } {
  const before = text.slice(0, at);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: at - lineStart + 1 };
}

class Problem extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

function locate(s: string): Problem | undefined {
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new Problem(at, message);
  };
  const ws = () => {
    while (i < s.length && ' \t\n\r'.includes(s[i]!)) i++;
  };
  const shown = (c: string) => (c === '\n' ? 'line break' : `'${c}'`);

  const string = () => {
    const start = i++;
    for (;;) {
      const c = s[i];
      if (c === undefined) fail('unterminated string: a closing " is missing', start);
      else if (c === '"') return void i++;
      else if (c === '\\') {
        const e = s[i + 1];
        if (e === 'u' && HEX4.test(s.slice(i + 2, i + 6))) i += 6;
        else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail('invalid escape in a string (use \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)');
      } else if (c < ' ') fail('a line break or control character inside a string: write it as \\n');
      else i++;
    }
  };

  const members = (close: '}' | ']', member: () => void, expected: string) => {
    i++;
    ws();
    if (s[i] === close) return void i++;
    for (;;) {
      member();
      ws();
      if (s[i] === close) return void i++;
      if (s[i] !== ',') fail(s[i] === undefined ? `unexpected end of text: ${expected}` : expected);
      const comma = i++;
      ws();
      if (s[i] === close) fail(`a comma before '${close}' has nothing after it`, comma);
    }
  };

  const value = (): void => {
    ws();
    const c = s[i];
    if (c === undefined) return fail('unexpected end of text: a value is missing');
    if (c === '{') {
      return members(
        '}',
        () => {
          ws();
          if (s[i] !== '"') fail('expected a property name in double quotes');
          string();
          ws();
          if (s[i] !== ':') fail("expected ':' after the property name");
          i++;
          value();
        },
        "expected ',' or '}'",
      );
    }
    if (c === '[') return members(']', value, "expected ',' or ']'");
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(s);
      if (!match || match[0] === '-') fail('invalid number');
      i += match![0].length;
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (s.startsWith(word, i)) return void (i += word.length);
    }
    fail(`unexpected ${shown(c)}: expected a value (text needs double quotes)`);
  };

  try {
    value();
    ws();
    if (i < s.length) fail('unexpected text after the end of the JSON value');
    return undefined;
  } catch (err) {
    if (err instanceof Problem) return err;
    throw err;
  }
}
