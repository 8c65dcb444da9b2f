import { z } from 'zod';

/**
 * Names of prompts, environments and API keys: letters, digits, `-`, `_`, `.` and `/`, starting with a letter or
 * digit, with no leading, trailing or doubled `/`. Prompt names may contain `/` (`support/triage`): in URL paths
 * it is sent encoded as `%2F` (`GET /api/v1/prompts/support%2Ftriage`).
 */
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]|\/(?=[A-Za-z0-9._-]))*$/;

export const PROMPT_NAME_MAX = 200;
export const ENVIRONMENT_NAME_MAX = 64;
export const KEY_NAME_MAX = 64;
export const REASON_MAX = 1000;
export const COMMENT_MAX = 2000;

export function nameSchema(max: number) {
  return z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(NAME, 'may contain only letters, digits, "-", "_", "." and "/", starting with a letter or digit');
}

export const promptName = nameSchema(PROMPT_NAME_MAX);
/** A prompt tag: `team:billing`, `owner:alice`, `tier-1` — letters, digits, `-`, `_`, `.`, `/`, `:` and `@`. */
export const promptTag = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/, 'may contain only letters, digits, "-", "_", ".", "/", ":" and "@"');
export const environmentName = nameSchema(ENVIRONMENT_NAME_MAX);
export const reason = z.string().max(REASON_MAX, `must be at most ${REASON_MAX} characters`).default('');
export const comment = z.string().max(COMMENT_MAX, `must be at most ${COMMENT_MAX} characters`).default('');
export const versionNumber = z.number().int('must be an integer').min(1, 'must be at least 1').max(4_294_967_295);
export const canaryPercent = z
  .number()
  .gt(0, 'must be greater than 0 and less than 100')
  .lt(100, 'must be greater than 0 and less than 100');

/** A version number given as text (path or query): digits only. */
export const versionText = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, 'must be a version number')
  .transform(Number)
  .pipe(versionNumber);
