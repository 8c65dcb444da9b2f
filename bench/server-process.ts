import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A Tracelane server (`server/main.ts`) running as a child process, as `npm start` runs it. */
export interface ServerProcess {
  child: ChildProcess;
  apiUrl: string;
  otlpUrl: string;
  /** host:port of OTLP/gRPC. */
  otlpGrpcAddress: string;
  /** Resolves with the exit code or signal once the process has ended. */
  exited: Promise<number | string>;
}

/**
 * Starts `node --import tsx server/main.ts` (the node process itself, so its pid is the server's) with the given
 * environment on free ports, and resolves once both addresses are printed. `fileLimit` lowers its open-file limit. With BENCH_CPU_PROF=<dir> the server
 * writes a V8 CPU profile there when it exits (open it in Chrome DevTools).
 */
export function startServerProcess(
  env: Record<string, string>,
  options: { fileLimit?: number } = {},
): Promise<ServerProcess> {
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const node = [process.execPath, ...profile, '--import', 'tsx', 'server/main.ts'];
  // With fileLimit, a shell lowers the open-file limit (soft and hard) and then becomes the server (exec): same pid.
  const [command, ...args] =
    options.fileLimit === undefined
      ? node
      : ['/bin/sh', '-c', `ulimit -n ${Math.trunc(options.fileLimit)} && exec "$@"`, 'sh', ...node];
  const child = spawn(command!, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', OTLP_PORT: '0', OTLP_GRPC_PORT: '0', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? '')),
  );
  return new Promise((resolve, reject) => {
    let apiUrl = '';
    let otlpUrl = '';
    let otlpGrpcAddress = '';
    const output: string[] = [];
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (!apiUrl || !otlpUrl || !otlpGrpcAddress) output.push(line);
      const message = (JSON.parse(line) as { message?: string }).message ?? '';
      apiUrl ||= /UI and API on (\S+)/.exec(message)?.[1] ?? '';
      otlpUrl ||= /OTLP\/HTTP collector on (\S+)\/v1\/traces/.exec(message)?.[1] ?? '';
      otlpGrpcAddress ||= /OTLP\/gRPC collector on (\S+)/.exec(message)?.[1] ?? '';
      if (apiUrl && otlpUrl && otlpGrpcAddress) resolve({ child, apiUrl, otlpUrl, otlpGrpcAddress, exited });
    });
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${output.join('\n')}`)));
  });
}

/** Peak resident set size of a process in MiB (VmHWM), from /proc. */
export function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** CPU time a process (all threads) or one of its threads has used so far (user + system), in seconds, from /proc. */
export function cpuSeconds(pid: number, tid?: string): number {
  const path = tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`;
  const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/**
 * CPU time so far by thread name (user + system, seconds): `main` is the main JavaScript thread; `node` its worker
 * threads (and V8's helpers); the rest chDB's insert, merge and background threads. Trailing thread numbers are
 * dropped so a pool shows as one entry.
 */
export function cpuSecondsByThread(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const name = tid === String(pid) ? 'main' : comm.replace(/[\d:]+$/, '');
      byName.set(name, (byName.get(name) ?? 0) + cpuSeconds(pid, tid));
    } catch {
      // the thread ended between listing and reading
    }
  }
  return byName;
}
