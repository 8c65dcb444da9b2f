/** The CLI's exit codes, for CI pipelines. */
export const EXIT = {
  ok: 0,
  /** Wrong command line or configuration: nothing was sent. */
  usage: 1,
  /** The API refused the request (4xx): bad input, unknown prompt or version, missing role, stale deployment. */
  rejected: 2,
  /** The server failed (5xx) or could not be reached, timed out, or answered something that is not the API. */
  unavailable: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A mistake on the command line; the message says what to change. */
export class UsageError extends Error {}

/** A request that did not succeed; `code` is the exit code it maps to, `body` what the server said (if anything). */
export class RequestFailed extends Error {
  constructor(
    message: string,
    readonly code: ExitCode,
    readonly body?: unknown,
  ) {
    super(message);
  }
}
