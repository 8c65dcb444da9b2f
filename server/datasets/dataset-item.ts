import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * One labelled item: the variables the prompt is rendered with, the expected output (free text as a string, JSON
 * as any other JSON value, null for none), an optional category (e.g. the team) and free metadata.
 */
export const ITEM_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const MAX_JSON_CHARS = 100_000;

const boundedJson = <T extends z.ZodType>(schema: T, field: string) =>
  schema.refine(
    (v) => JSON.stringify(v ?? null).length <= MAX_JSON_CHARS,
    `${field} must be at most ${MAX_JSON_CHARS} characters as JSON`,
  );

export const itemInput = z.strictObject({
  id: z
    .string()
    .regex(ITEM_ID, 'must be 1–128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit')
    .optional(),
  input: boundedJson(z.record(z.string(), z.json()), 'input'),
  expected: boundedJson(z.json(), 'expected').default(null),
  category: z.string().max(100, 'must be at most 100 characters').default(''),
  metadata: boundedJson(z.record(z.string(), z.json()), 'metadata').default({}),
});

export type ItemInput = z.input<typeof itemInput>;
export type NewItem = z.infer<typeof itemInput>;

/** An item as stored and returned. */
export interface DatasetItem {
  id: string;
  input: Record<string, unknown>;
  expected: unknown;
  category: string;
  metadata: Record<string, unknown>;
  source: string;
  /** The dataset version that last changed the item. */
  version: number;
  createdAt: string;
}

export const newItemId = () => `item_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
