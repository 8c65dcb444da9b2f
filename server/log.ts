/** A tiny structured logger: text lines for people, JSON lines for machines (LOG_FORMAT). */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(format: 'text' | 'json', write = (line: string) => process.stderr.write(line)): Logger {
  const emit = (level: string, message: string, fields: Record<string, unknown> = {}) => {
    const time = new Date().toISOString();
    if (format === 'json') {
      write(JSON.stringify({ time, level, message, ...fields }) + '\n');
      return;
    }
    const extra = Object.entries(fields)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    write(`${time} ${level.padEnd(5)} ${message}${extra ? ' ' + extra : ''}\n`);
  };
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

/** A logger that prints nothing, for tests. */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
