import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';

const pythonRoot = new URL('../../clients/python/', import.meta.url).pathname;

/**
 * The Python client's own suite (`clients/python/tests`, standard-library unittest) with the machine's python3: it
 * starts a real Tracelane (`server/main.ts`) itself, so it also runs alone with
 * `cd clients/python && PYTHONPATH=src python3 -m unittest discover -s tests -t .`.
 */
it('passes the Python client suite (python3 -m unittest) against a real Tracelane', async () => {
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn('python3', ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.', '-v'], {
      cwd: pythonRoot,
      env: { ...process.env, PYTHONPATH: 'src', PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) =>
      reject(new Error(`python3 could not run (apt-get install python3): ${error.message}`)),
    );
    child.on('close', (exitCode) => resolve({ code: exitCode, output }));
  });
  expect(code, output).toBe(0);
  const ran = Number(/^Ran (\d+) tests? in/m.exec(output)?.[1] ?? 0);
  expect(ran, output).toBeGreaterThanOrEqual(20);
  expect(output).not.toMatch(/skipped/);
}, 300_000);
