import { AppError } from '../http/errors.js';
import { StoreError } from '../store/store.js';

/**
 * The work one trace-list query may do, enforced by ClickHouse on both backends (the same SETTINGS clause): at most
 * `maxSeconds` of execution and `maxRows` span rows read. A search past either fails fast with a 400 that says which
 * limit it hit and how to narrow it, instead of occupying the store for everyone.
 */
export interface SearchLimits {
  maxSeconds: number;
  maxRows: number;
}

const TOO_MANY_ROWS = 158;
const TIMEOUT_EXCEEDED = 159;

/** The SETTINGS clause of a limited query (integers from the configuration, never request text). */
export function limitSettings(limits: SearchLimits): string {
  const seconds = Math.max(1, Math.trunc(limits.maxSeconds));
  const rows = Math.max(1, Math.trunc(limits.maxRows));
  return `SETTINGS max_execution_time = ${seconds}, timeout_overflow_mode = 'throw', max_rows_to_read = ${rows}, read_overflow_mode = 'throw'`;
}

/** The ClickHouse error code of a store failure, from the backend's field or the message text. */
export function clickhouseCode(err: StoreError): number | undefined {
  return err.clickhouseCode ?? (Number(/\bCode: (\d+)/.exec(err.message)?.[1]) || undefined);
}

/** Runs a limited query; a limit hit becomes a 400 naming the window as the thing to narrow. */
export async function withinLimits<T>(limits: SearchLimits, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    const code = clickhouseCode(err);
    if (code === TOO_MANY_ROWS) {
      throw searchTooBroad(
        `the search would read more than ${limits.maxRows.toLocaleString('en')} spans (TRACE_SEARCH_MAX_ROWS): narrow the time window or add filters`,
      );
    }
    if (code === TIMEOUT_EXCEEDED) {
      throw searchTooBroad(
        `the search took longer than ${limits.maxSeconds} s (TRACE_SEARCH_MAX_SECONDS): narrow the time window or add filters`,
      );
    }
    throw err;
  }
}

const searchTooBroad = (message: string) => new AppError(400, 'search_too_broad', message, 'from');
