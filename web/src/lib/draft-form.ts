import type { DraftSnapshot } from './api-types.js';
import { describeProblem, parseJson } from './json-check.js';

/**
 * The editor's form of a draft: text fields as the author types them (numbers and JSON as text), converted to and
 * from the API's snapshot. `toContent` reports every problem that must be fixed before the draft can be saved
 * (invalid JSON with its line, a duplicate or empty variable name, a number that is not one), each under the
 * field's API name.
 */
export interface MessageRow {
  role: string;
  /** The text, or for structured content its parts as JSON. */
  text: string;
  structured: boolean;
}

export interface VariableRow {
  name: string;
  description: string;
  /** Ignored when a default is given (a variable with a default is never missing). */
  required: boolean;
  /** '' is no default. */
  default: string;
}

export interface EditorState {
  provider: string;
  model: string;
  temperature: string;
  maxTokens: string;
  topP: string;
  /** Every other setting, as a JSON object. */
  otherSettings: string;
  messages: MessageRow[];
  variables: VariableRow[];
  tools: string;
  responseSchema: string;
  mcpServers: string;
  metadata: string;
  commitMessage: string;
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** Message roles, as the server's MESSAGE_ROLES (a test keeps them equal; the UI imports no server code). */
export const ROLES = ['system', 'developer', 'user', 'assistant', 'tool'] as const;

const SETTING_FIELDS = { temperature: 'temperature', maxTokens: 'maxTokens', topP: 'topP' } as const;

const pretty = (value: unknown, empty: unknown) =>
  JSON.stringify(value) === JSON.stringify(empty) ? '' : JSON.stringify(value, null, 2);

export function emptyState(): EditorState {
  return fromSnapshot({
    provider: '',
    model: '',
    settings: {},
    messages: [
      { role: 'system', content: '' },
      { role: 'user', content: '' },
    ],
    variables: [],
    tools: [],
    responseSchema: null,
    mcpServers: [],
    metadata: {},
  });
}

export function fromSnapshot(s: DraftSnapshot, commitMessage = ''): EditorState {
  const { temperature, maxTokens, topP, ...other } = s.settings;
  const text = (v: unknown) => (typeof v === 'number' ? String(v) : '');
  return {
    provider: s.provider,
    model: s.model,
    temperature: text(temperature),
    maxTokens: text(maxTokens),
    topP: text(topP),
    otherSettings: pretty(other, {}),
    messages: s.messages.map((m) =>
      typeof m.content === 'string'
        ? { role: m.role, text: m.content, structured: false }
        : { role: m.role, text: JSON.stringify(m.content, null, 2), structured: true },
    ),
    variables: s.variables.map((v) => ({
      name: v.name,
      description: v.description ?? '',
      required: v.required ?? true,
      default: v.default ?? '',
    })),
    tools: pretty(s.tools, []),
    responseSchema: pretty(s.responseSchema, null),
    mcpServers: pretty(s.mcpServers, []),
    metadata: pretty(s.metadata, {}),
    commitMessage,
  };
}

type Json = DraftSnapshot['metadata'][string];

/** The snapshot the form describes, or the problems that keep it from being one. */
export function toContent(state: EditorState): { content?: DraftSnapshot; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const json = <T>(field: string, text: string, empty: T, shape: 'array' | 'object'): T => {
    if (text.trim() === '') return empty;
    const result = parseJson(text);
    if (!result.ok) {
      problems.push({ field, message: `invalid JSON at ${describeProblem(result.problem)}` });
      return empty;
    }
    const isArray = Array.isArray(result.value);
    const isObject = typeof result.value === 'object' && result.value !== null && !isArray;
    if ((shape === 'array' && !isArray) || (shape === 'object' && !isObject)) {
      problems.push({
        field,
        message: shape === 'array' ? 'must be a JSON array [ … ]' : 'must be a JSON object { … }',
      });
      return empty;
    }
    return result.value as T;
  };

  const settings: Record<string, Json> = json('settings', state.otherSettings, {}, 'object');
  for (const [key, field] of Object.entries(SETTING_FIELDS)) {
    const text = state[key as keyof typeof SETTING_FIELDS].trim();
    if (text === '') continue;
    const n = Number(text);
    if (!Number.isFinite(n)) problems.push({ field: `settings.${field}`, message: 'must be a number' });
    else settings[field] = n;
  }

  const messages = state.messages.map((m, i) => {
    if (!m.structured) return { role: m.role, content: m.text };
    return { role: m.role, content: json(`messages.${i}.content`, m.text, [], 'array') };
  });

  const variables = state.variables.map((row, i) => {
    const name = row.name.trim();
    if (name === '') problems.push({ field: `variables.${i}.name`, message: 'a variable needs a name' });
    else if (state.variables.findIndex((other) => other.name.trim() === name) !== i) {
      problems.push({ field: `variables.${i}.name`, message: `"${name}" is declared twice` });
    }
    return {
      name,
      ...(row.description.trim() ? { description: row.description.trim() } : {}),
      ...(row.default !== '' ? { default: row.default } : row.required ? {} : { required: false }),
    };
  });

  const content: DraftSnapshot = {
    provider: state.provider.trim(),
    model: state.model.trim(),
    settings,
    messages: messages as DraftSnapshot['messages'],
    variables,
    tools: json('tools', state.tools, [], 'array'),
    responseSchema: json('responseSchema', state.responseSchema, null, 'object'),
    mcpServers: json('mcpServers', state.mcpServers, [], 'array'),
    metadata: json('metadata', state.metadata, {}, 'object'),
  };
  return problems.length > 0 ? { problems } : { content, problems };
}

/** Field names as an author reads them, for messages such as "Tools: invalid JSON at line 3 …". */
export function fieldLabel(field: string): string {
  const [head, index, rest] = field.split('.');
  const n = Number(index) + 1;
  if (head === 'messages' && index !== undefined) return `Message ${n}${rest === 'content' ? '' : ` ${rest}`}`;
  if (head === 'variables' && index !== undefined) return `Variable ${n}`;
  const labels: Record<string, string> = {
    tools: 'Tools',
    responseSchema: 'Response schema',
    mcpServers: 'MCP servers',
    metadata: 'Metadata',
    settings: 'Other settings',
    provider: 'Provider',
    model: 'Model',
  };
  if (head === 'settings' && index) return `Setting ${index}`;
  return labels[head ?? ''] ?? field;
}
