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

/** Longest text of one message. */
export const MESSAGE_MAX_CHARS = 500_000;

export const MESSAGE_ROLES = ['system', 'developer', 'user', 'assistant', 'tool'] as const;

const message = z.strictObject({
  role: z.enum(MESSAGE_ROLES),
  /** Text with `{{variable}}` placeholders, or structured content parts. */
  content: z.union([
    z.string().max(MESSAGE_MAX_CHARS, `must be at most ${MESSAGE_MAX_CHARS.toLocaleString('en-US')} characters`),
    z.array(jsonObject).max(100, 'must have at most 100 parts'),
  ]),
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
  .superRefine((list, ctx) => {
    const index = list.findIndex((v, i) => list.findIndex((w) => w.name === v.name) !== i);
    if (index >= 0) {
      ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `"${list[index]?.name}" is declared twice` });
    }
  });

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

/**
 * A draft's content: the same fields and bounds as a version, but it may still be incomplete (no provider, model
 * or message yet). It becomes a version only through `snapshotSchema`.
 */
export const draftSnapshotSchema = snapshotSchema.extend({
  provider: z.string().max(100, 'must be at most 100 characters').default(''),
  model: z.string().max(200, 'must be at most 200 characters').default(''),
  messages: z.array(message).max(1000, 'must have at most 1000 messages').default([]),
});

export type Snapshot = z.infer<typeof snapshotSchema>;
export type DraftSnapshot = z.infer<typeof draftSnapshotSchema>;
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

const SNAPSHOT_KEYS = Object.keys(snapshotSchema.shape) as (keyof Snapshot)[];

/** Only the snapshot fields of a version or draft (which carry their identity beside them). */
export function snapshotFields<T extends DraftSnapshot>(value: T): DraftSnapshot {
  return Object.fromEntries(SNAPSHOT_KEYS.map((key) => [key, value[key]])) as DraftSnapshot;
}
