import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * What reproduces a prompt: provider and model, model settings, messages with roles, variables, tools, response
 * schema, MCP server configuration and free metadata. A version stores this snapshot, normalised (defaults filled
 * in, variables as objects) and hashed over its canonical JSON, so equal content always has the same hash.
 */
const json = z.json();
const jsonObject = z.record(z.string(), json);
const shortText = (max: number) => z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

const settings = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().positive().optional(),
    topP: z.number().min(0).max(1).optional(),
    frequencyPenalty: z.number().min(-2).max(2).optional(),
    presencePenalty: z.number().min(-2).max(2).optional(),
    stop: z.array(z.string()).max(16).optional(),
    seed: z.number().int().optional(),
  })
  .catchall(json);

export const MESSAGE_ROLES = ['system', 'developer', 'user', 'assistant', 'tool'] as const;

const message = z.strictObject({
  role: z.enum(MESSAGE_ROLES),
  /** Text with `{{variable}}` placeholders, or structured content parts. */
  content: z.union([z.string().max(500_000), z.array(jsonObject).max(100)]),
  name: shortText(200).optional(),
});

const variable = z.strictObject({
  name: shortText(200),
  description: z.string().max(2000).optional(),
  required: z.boolean().optional(),
  default: z.string().max(100_000).optional(),
});

const variables = z
  .array(z.union([shortText(200), variable]))
  .max(500)
  .transform((list) => list.map((v) => (typeof v === 'string' ? { name: v } : v)))
  .refine((list) => new Set(list.map((v) => v.name)).size === list.length, 'variable names must be unique');

const mcpServer = z.object({ name: shortText(200) }).catchall(json);

export const snapshotSchema = z.strictObject({
  provider: shortText(100),
  model: shortText(200),
  settings: settings.default({}),
  messages: z.array(message).min(1, 'must have at least one message').max(1000),
  variables: variables.default([]),
  tools: z.array(jsonObject).max(500).default([]),
  responseSchema: jsonObject.nullable().default(null),
  mcpServers: z.array(mcpServer).max(100).default([]),
  metadata: jsonObject.default({}),
});

export type Snapshot = z.infer<typeof snapshotSchema>;
export type Message = Snapshot['messages'][number];
export type JsonValue = z.infer<typeof json>;

/** JSON text with object keys sorted at every depth; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}

/** `sha256:<hex>` over the canonical JSON of a normalised snapshot. */
export function contentHash(snapshot: Snapshot): string {
  return 'sha256:' + createHash('sha256').update(canonicalJson(snapshot)).digest('hex');
}
