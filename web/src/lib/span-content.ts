/**
 * The prompt and completion text of a span, when the instrumentation captured it. Each convention stores it
 * differently: whole-message JSON (OpenTelemetry GenAI), indexed attributes (OpenLLMetry `gen_ai.prompt.0.content`,
 * OpenInference `llm.input_messages.0.message.content`), single values (`input.value`, Vercel `ai.prompt`,
 * Langfuse `langfuse.observation.input`) or events (OpenLIT, deprecated GenAI events, and the current
 * `gen_ai.client.inference.operation.details` — on the span, or received as log records tied to it).
 */
export interface ContentPart {
  /** Where it came from (attribute key or event name), shown as a caption. */
  source: string;
  role?: string;
  text: string;
}

export interface SpanContent {
  prompt: ContentPart[];
  completion: ContentPart[];
}

interface SpanLike {
  attributes: Record<string, string>;
  events: { name: string; attributes: Record<string, string> }[];
}

const WHOLE = {
  prompt: [
    'gen_ai.system_instructions',
    'gen_ai.input.messages',
    'gen_ai.prompt',
    'gen_ai.content.prompt',
    'llm.prompts',
    'input.value',
    'ai.prompt',
    'ai.prompt.messages',
    'langfuse.observation.input',
  ],
  completion: [
    'gen_ai.output.messages',
    'gen_ai.completion',
    'gen_ai.content.completion',
    'output.value',
    'ai.response.text',
    'ai.response.object',
    'langfuse.observation.output',
  ],
} as const;

const INDEXED = {
  prompt: [/^gen_ai\.prompt\.(\d+)\.(content|role)$/, /^llm\.input_messages\.(\d+)\.message\.(content|role)$/],
  completion: [/^gen_ai\.completion\.(\d+)\.(content|role)$/, /^llm\.output_messages\.(\d+)\.message\.(content|role)$/],
};

const EVENTS = {
  prompt: [
    'gen_ai.content.prompt',
    'gen_ai.system.message',
    'gen_ai.user.message',
    'gen_ai.assistant.message',
    'gen_ai.tool.message',
  ],
  completion: ['gen_ai.content.completion', 'gen_ai.choice'],
};

/** The current GenAI content event carries both sides, each in its own attributes. */
const DETAILS_EVENT = 'gen_ai.client.inference.operation.details';
const DETAILS = {
  prompt: ['gen_ai.system_instructions', 'gen_ai.input.messages'],
  completion: ['gen_ai.output.messages'],
};

/** JSON shown indented; anything else as it is. */
export function readable(value: string): string {
  const trimmed = value.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return value;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return value;
  }
}

function indexed(attributes: Record<string, string>, patterns: RegExp[]): ContentPart[] {
  const parts: ContentPart[] = [];
  for (const pattern of patterns) {
    const byIndex = new Map<number, { role?: string; text?: string; source: string }>();
    for (const [key, value] of Object.entries(attributes)) {
      const match = pattern.exec(key);
      if (!match) continue;
      const index = Number(match[1]);
      const entry = byIndex.get(index) ?? { source: key.replace(/\.(content|role)$/, '') };
      if (match[2] === 'role') entry.role = value;
      else entry.text = value;
      byIndex.set(index, entry);
    }
    for (const [, entry] of [...byIndex.entries()].sort(([a], [b]) => a - b)) {
      if (entry.text !== undefined) {
        parts.push({ source: entry.source, text: readable(entry.text), ...(entry.role ? { role: entry.role } : {}) });
      }
    }
  }
  return parts;
}

function side(span: SpanLike, which: 'prompt' | 'completion'): ContentPart[] {
  const whole = WHOLE[which]
    .filter((key) => span.attributes[key] !== undefined && span.attributes[key] !== '')
    .map((key) => ({ source: key, text: readable(span.attributes[key] ?? '') }));
  const events = span.events.flatMap((e) => {
    const keep =
      e.name === DETAILS_EVENT
        ? (key: string) => DETAILS[which].includes(key)
        : (EVENTS[which] as readonly string[]).includes(e.name)
          ? (key: string) => key !== 'gen_ai.system'
          : undefined;
    if (!keep) return [];
    return Object.entries(e.attributes)
      .filter(([key]) => keep(key))
      .map(([key, value]) => ({ source: `${e.name} · ${key}`, text: readable(value) }));
  });
  return [...whole, ...indexed(span.attributes, INDEXED[which]), ...events];
}

export function spanContent(span: SpanLike): SpanContent {
  return { prompt: side(span, 'prompt'), completion: side(span, 'completion') };
}
