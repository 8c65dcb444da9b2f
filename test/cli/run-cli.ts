import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../cli/run.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const BIN = fileURLToPath(new URL('../../bin/tracelane.js', import.meta.url));

/**
 * Runs one `tracelane` command line in this process (`runCli`, exactly what bin/tracelane.js calls) with the given
 * environment, capturing what it prints. A child process per command costs seconds of start-up and TypeScript
 * loading on a busy machine, so only `tracelaneProcess` below spawns the real binary.
 */
export async function tracelane(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, env, {
    stdout: (text) => (stdout += text + '\n'),
    stderr: (text) => (stderr += text + '\n'),
  });
  return { code, stdout, stderr };
}

/** Runs `tracelane <args>` as a child process, as a CI job would: the binary, its exit code and its streams. */
export function tracelaneProcess(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  const childEnv = { PATH: process.env.PATH, ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: childEnv, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
