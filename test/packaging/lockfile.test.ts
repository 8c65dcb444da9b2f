import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;

/**
 * The Dockerfile and `.ci/run` install with `npm ci`, which refuses a lockfile that misses any optional platform
 * package of a dependency (chdb's macOS and linux-arm64 libraries, rollup's and esbuild's binaries). `npm install`
 * on one platform can write such a lockfile, so check it the way `npm ci` reads it, without installing anything.
 */
describe('package-lock.json', () => {
  for (const omit of [[], ['--omit=dev']]) {
    it(`is installable with npm ci ${omit.join(' ')}`.trim(), async () => {
      const args = ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund', ...omit];
      const { stdout, stderr } = await run('npm', args, { cwd: root }).catch(
        (error: { stdout: string; stderr: string }) => {
          throw new Error(`npm ${args.join(' ')} failed:\n${error.stderr}\n${error.stdout}`);
        },
      );
      expect(`${stdout}${stderr}`).not.toMatch(/npm error/);
    });
  }
});
