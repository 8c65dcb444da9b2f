/**
 * The rendering rules of a prompt version, shared by the server's render API, the workbench's preview and the
 * runtime clients (the Python client implements the same rules; `clients/render-cases.json` holds the cases every
 * implementation must pass). No dependency, no I/O: this file is copied into nothing and imported by everyone.
 *
 * - A placeholder is `{{name}}`, spaces inside the braces allowed: `{{ name }}`. Names start with a letter or `_`
 *   and continue with letters, digits, `_`, `.` or `-`.
 * - A declared variable is required unless it says `required: false` or has a `default`.
 * - A placeholder's value is the one given, else the declared variable's `default`, else `''` when the variable is
 *   declared with `required: false`. A placeholder with none of these (a required variable without a value, or an
 *   undeclared one) is missing: rendering fails naming every missing variable, in order of first use.
 * - `null` counts as not given. Strings are inserted as they are, numbers and booleans as their JSON text, arrays
 *   and objects as compact JSON.
 * - Text content is rendered; structured content parts have their `text` fields rendered; nothing else changes.
 * - Given values no placeholder uses are reported, not an error.
 */

export interface RenderVariable {
  name: string;
  description?: string;
  required?: boolean;
  default?: string;
}

export type ContentPart = Record<string, unknown>;

export interface RenderMessage {
  role: string;
  content: string | ContentPart[];
  name?: string;
}

export interface RenderTemplate {
  messages: RenderMessage[];
  variables: RenderVariable[];
}

export type VariableValues = Record<string, unknown>;

export interface Rendered {
  messages: RenderMessage[];
  /** Names given in the values that no placeholder uses. */
  unusedValues: string[];
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

/** Thrown when a placeholder has no value; `variables` names each missing one, in order of first use. */
export class MissingVariablesError extends Error {
  readonly variables: string[];
  constructor(variables: string[]) {
    super(
      variables.length === 1
        ? `variables.${variables[0]}: missing value for a required variable`
        : `variables: missing values for ${variables.join(', ')}`,
    );
    this.name = 'MissingVariablesError';
    this.variables = variables;
  }
}

/** The placeholder names used in a text, in order of first use, without repeats. */
export function placeholdersIn(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] as string;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** Where each placeholder is in a text (offsets of `{{` and after `}}`), for editors that highlight them. */
export function placeholderSpans(text: string): { start: number; end: number; name: string }[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
    name: m[1] as string,
  }));
}

/** Every placeholder of a template's messages (text and text parts), in order of first use. */
export function templatePlaceholders(messages: RenderMessage[]): string[] {
  const names: string[] = [];
  for (const text of messages.flatMap(textsOf)) {
    for (const name of placeholdersIn(text)) if (!names.includes(name)) names.push(name);
  }
  return names;
}

export interface VariableCheck {
  /** Placeholders with no declared variable. */
  undeclared: string[];
  /** Declared required variables that no placeholder uses. */
  unusedRequired: string[];
  /** Declared variables (required or not) that no placeholder uses. */
  unused: string[];
}

/** What an author is told before saving: placeholders without a variable, variables without a placeholder. */
export function checkVariables(template: RenderTemplate): VariableCheck {
  const used = templatePlaceholders(template.messages);
  const declared = new Set(template.variables.map((v) => v.name));
  const unused = template.variables.filter((v) => !used.includes(v.name));
  return {
    undeclared: used.filter((name) => !declared.has(name)),
    unusedRequired: unused.filter(isRequired).map((v) => v.name),
    unused: unused.map((v) => v.name),
  };
}

/** The messages the model receives; throws MissingVariablesError naming every placeholder without a value. */
export function renderPrompt(template: RenderTemplate, values: VariableValues): Rendered {
  const declared = new Map(template.variables.map((v) => [v.name, v]));
  const used = templatePlaceholders(template.messages);
  const missing: string[] = [];
  const resolved = new Map<string, string>();
  for (const name of used) {
    const value = valueOf(name, values, declared.get(name));
    if (value === undefined) missing.push(name);
    else resolved.set(name, value);
  }
  if (missing.length > 0) throw new MissingVariablesError(missing);
  const fill = (text: string) => text.replace(PLACEHOLDER, (_m, name: string) => resolved.get(name) as string);
  return {
    messages: template.messages.map((message) => ({
      ...message,
      content:
        typeof message.content === 'string'
          ? fill(message.content)
          : message.content.map((part) => (typeof part.text === 'string' ? { ...part, text: fill(part.text) } : part)),
    })),
    unusedValues: Object.keys(values).filter((name) => values[name] != null && !used.includes(name)),
  };
}

function valueOf(name: string, values: VariableValues, variable: RenderVariable | undefined): string | undefined {
  const given = Object.hasOwn(values, name) ? values[name] : undefined;
  if (given !== undefined && given !== null) return typeof given === 'string' ? given : JSON.stringify(given);
  if (variable?.default !== undefined) return variable.default;
  if (variable && !isRequired(variable)) return '';
  return undefined;
}

/** Required unless it says `required: false` or has a default. */
export function isRequired(variable: RenderVariable): boolean {
  return variable.required ?? variable.default === undefined;
}

function textsOf(message: RenderMessage): string[] {
  if (typeof message.content === 'string') return [message.content];
  return message.content.flatMap((part) => (typeof part.text === 'string' ? [part.text] : []));
}

/**
 * Does `text` read as `template` rendered with some values? Each placeholder is a wildcard matching any text (the
 * empty text included); everything else must be equal, apart from line endings (`\r\n` as `\n`) and whitespace at
 * the very start and end. Returns the text each placeholder stood for (its first use), or null when it does not
 * match. Used to tell whether a captured prompt is the one its claimed version renders to, variables aside.
 */
export function matchTemplate(template: string, text: string): Record<string, string> | null {
  const normalize = (s: string) => s.replace(/\r\n/g, '\n').trim();
  const literals: string[] = [];
  const names: string[] = [];
  let last = 0;
  const source = normalize(template);
  for (const match of source.matchAll(PLACEHOLDER)) {
    literals.push(source.slice(last, match.index));
    names.push(match[1] as string);
    last = match.index + match[0].length;
  }
  literals.push(source.slice(last));
  const subject = normalize(text);
  const first = literals[0] as string;
  const end = literals[literals.length - 1] as string;
  if (names.length === 0) return subject === first ? {} : null;
  if (!subject.startsWith(first) || subject.length < first.length + end.length || !subject.endsWith(end)) return null;
  // With wildcards only, taking each middle literal at its leftmost place after the previous one finds a match
  // whenever there is one (no backtracking needed).
  const values: Record<string, string> = {};
  const limit = subject.length - end.length;
  let at = first.length;
  for (let i = 0; i < names.length; i++) {
    const isLast = i === names.length - 1;
    const literal = literals[i + 1] as string;
    const found = isLast ? limit : subject.indexOf(literal, at);
    if (found < at || (!isLast && found + literal.length > limit)) return null;
    const name = names[i] as string;
    if (!Object.hasOwn(values, name)) values[name] = subject.slice(at, found);
    at = found + literal.length;
  }
  return values;
}
