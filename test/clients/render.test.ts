import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  MissingVariablesError,
  matchTemplate,
  checkVariables,
  placeholderSpans,
  placeholdersIn,
  renderPrompt,
  type RenderTemplate,
  type Rendered,
  type VariableCheck,
} from '../../clients/typescript/src/render.js';

interface Cases {
  cases: {
    name: string;
    template: RawTemplate;
    values: Record<string, unknown>;
    expected?: Rendered;
    error?: string[];
  }[];
  checks: { name: string; template: RawTemplate; expected: VariableCheck }[];
}
type RawTemplate = Omit<RenderTemplate, 'variables'> & { variables: (string | RenderTemplate['variables'][number])[] };

const cases = JSON.parse(readFileSync(new URL('../../clients/render-cases.json', import.meta.url), 'utf8')) as Cases;
/** Versions store variables as objects; the shared cases may write a bare name, as the versions API accepts. */
const template = (raw: RawTemplate): RenderTemplate => ({
  ...raw,
  variables: raw.variables.map((v) => (typeof v === 'string' ? { name: v } : v)),
});

describe('renderPrompt (clients/render-cases.json)', () => {
  for (const c of cases.cases) {
    it(c.name, () => {
      const render = () => renderPrompt(template(c.template), c.values);
      if (c.error) {
        expect(render).toThrow(MissingVariablesError);
        try {
          render();
        } catch (error) {
          expect((error as MissingVariablesError).variables).toEqual(c.error);
          expect((error as Error).message).toContain(c.error[0]);
        }
      } else {
        expect(render()).toEqual(c.expected);
      }
    });
  }
});

describe('checkVariables (clients/render-cases.json)', () => {
  for (const c of cases.checks) {
    it(c.name, () => expect(checkVariables(template(c.template))).toEqual(c.expected));
  }
});

describe('placeholderSpans', () => {
  it('finds the same placeholders as the renderer, with their offsets', () => {
    const text = 'Hi {{ name }}, {{1bad}} {{x}}{{name}}';
    expect(placeholderSpans(text)).toEqual([
      { start: 3, end: 13, name: 'name' },
      { start: 24, end: 29, name: 'x' },
      { start: 29, end: 37, name: 'name' },
    ]);
    expect([...new Set(placeholderSpans(text).map((s) => s.name))]).toEqual(placeholdersIn(text));
  });
});

/** `matches`: is a text the template rendered with some values? `expected` is the values read back, null: no match. */
const matchCases = (
  cases as unknown as { matches: { name: string; template: string; text: string; expected: unknown }[] }
).matches;

describe('matchTemplate (clients/render-cases.json)', () => {
  for (const c of matchCases) {
    it(c.name, () => expect(matchTemplate(c.template, c.text)).toEqual(c.expected));
  }

  it('agrees with renderPrompt: every rendered text matches its template', () => {
    for (const c of cases.cases.filter((k) => k.expected)) {
      c.template.messages.forEach((message, i) => {
        const rendered = c.expected?.messages[i]?.content;
        if (typeof message.content === 'string' && typeof rendered === 'string') {
          expect(matchTemplate(message.content, rendered), c.name).not.toBeNull();
        }
      });
    }
  });
});
