import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;

/**
 * `@tracelane/client` as an application installs it: built with `tsc` (the package's own build), placed in a
 * node_modules folder, imported by plain Node through its `exports` map.
 */
let work: string;
let pkg: string;

beforeAll(async () => {
  mkdirSync(join(root, '.tmp'), { recursive: true });
  work = mkdtempSync(join(root, '.tmp', 'client-package-'));
  pkg = join(work, 'node_modules', '@tracelane', 'client');
  mkdirSync(pkg, { recursive: true });
  copyFileSync(join(root, 'clients/typescript/package.json'), join(pkg, 'package.json'));
  await run('npx', ['tsc', '-p', 'clients/typescript/tsconfig.json', '--outDir', join(pkg, 'dist')], { cwd: root });
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('@tracelane/client package', () => {
  it('imports through its exports map in plain Node, with types for every entry point', async () => {
    const script = `
      import * as main from '@tracelane/client';
      import * as files from '@tracelane/client/file-cache';
      import * as otel from '@tracelane/client/otel';
      console.log(JSON.stringify({ main: Object.keys(main).sort(), files: Object.keys(files), otel: Object.keys(otel).sort() }));`;
    writeFileSync(join(work, 'check.mjs'), script);
    const { stdout } = await run('node', ['check.mjs'], { cwd: work });
    expect(JSON.parse(stdout)).toEqual({
      main: ['MissingVariablesError', 'PROMPT_ATTRIBUTES', 'Prompt', 'Tracelane', 'TracelaneError', 'renderPrompt'],
      files: ['fileCache'],
      otel: ['PromptSpanProcessor', 'tagSpan', 'withPrompt'],
    });
    for (const entry of ['index', 'file-cache', 'otel']) {
      expect(readFileSync(join(pkg, 'dist', `${entry}.d.ts`), 'utf8')).toContain('export');
    }
  });

  it('keeps the main entry browser-safe: no Node module and no OpenTelemetry import reachable from it', () => {
    const reachable = new Set<string>();
    const visit = (file: string) => {
      if (reachable.has(file)) return;
      reachable.add(file);
      const source = readFileSync(join(pkg, 'dist', file), 'utf8');
      for (const [, target] of source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        expect(target, `${file} imports ${target}`).toMatch(/^\.\//);
        visit((target as string).slice(2));
      }
    };
    visit('index.js');
    expect(reachable).not.toContain('file-cache.js');
    expect(reachable).not.toContain('otel.js');
    expect(reachable.size).toBeGreaterThan(5);
  });

  it('packs the built files only', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: pkg });
    const [packed] = JSON.parse(stdout) as { files: { path: string }[] }[];
    const files = packed?.files.map((f) => f.path) ?? [];
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files.every((f) => f === 'package.json' || f.startsWith('dist/'))).toBe(true);
  });
});
