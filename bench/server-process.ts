import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A Tracelane server (`server/main.ts`) running as a child process, as `npm start` runs it. */
export interface ServerProcess {
  child: ChildProcess;
  apiUrl: string;
  otlpUrl: string;
  /** Resolves with the exit code or signal once the process has ended. */
  exited: Promise<number | string>;
}

/**
 * Starts `node --import tsx server/main.ts` (the node process itself, so its pid is the server's) with the given
 * environment on free ports, and resolves once both addresses are printed.
 */
export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', OTLP_PORT: '0', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? '')),
  );
  return new Promise((resolve, reject) => {
    let apiUrl = '';
    let otlpUrl = '';
    const output: string[] = [];
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (!apiUrl || !otlpUrl) output.push(line);
      const message = (JSON.parse(line) as { message?: string }).message ?? '';
      apiUrl ||= /UI and API on (\S+)/.exec(message)?.[1] ?? '';
      otlpUrl ||= /OTLP\/HTTP collector on (\S+)\/v1\/traces/.exec(message)?.[1] ?? '';
      if (apiUrl && otlpUrl) resolve({ child, apiUrl, otlpUrl, exited });
    });
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${output.join('\n')}`)));
  });
}

/** Peak resident set size of a process in MiB (VmHWM), from /proc. */
export function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** CPU time a process has used so far (user + system, all threads), in seconds, from /proc. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}
