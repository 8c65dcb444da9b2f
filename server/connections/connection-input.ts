import { z } from 'zod';
import { nameSchema } from '../registry/names.js';
import { CONNECTION_KINDS } from './connection-table.js';

/** Where each kind of provider is reached when no base URL is given. */
export const DEFAULT_BASE_URLS = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
} as const;

const baseUrl = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .refine((v) => /^https?:\/\/[^/\s]/i.test(v) && URL.canParse(v), 'must be an http(s) URL')
  .transform((v) => v.replace(/\/+$/, ''));

/** An environment variable name, as shells accept them. */
const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be an environment variable name (letters, digits, _)');

const limits = {
  maxConcurrency: z.number().int().min(1).max(64),
  requestsPerMinute: z.number().int().min(1).max(100_000),
  timeoutMs: z.number().int().min(100).max(600_000),
  maxRetries: z.number().int().min(0).max(10),
  description: z.string().max(2000, 'must be at most 2000 characters'),
};

/**
 * `POST /connections`. The secret is `secretEnv` (the name of a variable in the server's environment) or `secret`
 * (stored encrypted; needs CONNECTION_SECRET_KEY), or neither for a local server that needs no key.
 */
export const createConnectionBody = z
  .strictObject({
    name: nameSchema(64),
    kind: z.enum(CONNECTION_KINDS),
    baseUrl: baseUrl.optional(),
    secretEnv: envName.optional(),
    secret: z.string().min(1, 'must not be empty').max(4096).optional(),
    maxConcurrency: limits.maxConcurrency.default(4),
    requestsPerMinute: limits.requestsPerMinute.default(60),
    timeoutMs: limits.timeoutMs.default(60_000),
    maxRetries: limits.maxRetries.default(2),
    description: limits.description.default(''),
  })
  .refine((b) => !(b.secret !== undefined && b.secretEnv !== undefined), {
    message: 'give either secret or secretEnv, not both',
    path: ['secret'],
  });

/** `PATCH /connections/{name}`: the fields to change; a new `secret` or `secretEnv` replaces the old one. */
export const updateConnectionBody = z
  .strictObject({
    baseUrl: baseUrl.optional(),
    secretEnv: envName.optional(),
    secret: z.string().min(1, 'must not be empty').max(4096).optional(),
    removeSecret: z.literal(true).optional(),
    maxConcurrency: limits.maxConcurrency.optional(),
    requestsPerMinute: limits.requestsPerMinute.optional(),
    timeoutMs: limits.timeoutMs.optional(),
    maxRetries: limits.maxRetries.optional(),
    description: limits.description.optional(),
  })
  .refine((b) => [b.secret, b.secretEnv, b.removeSecret].filter((x) => x !== undefined).length <= 1, {
    message: 'give at most one of secret, secretEnv and removeSecret',
    path: ['secret'],
  });

export type CreateConnectionBody = z.infer<typeof createConnectionBody>;
export type UpdateConnectionBody = z.infer<typeof updateConnectionBody>;
