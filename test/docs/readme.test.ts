import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { configSchema } from '../../server/config.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  scripts: Record<string, string>;
};

it('documents every configuration variable in the README table', () => {
  const missing = Object.keys(configSchema.shape).filter((name) => !readme.includes(`| \`${name}\``));
  expect(missing).toEqual([]);
});

it('names only npm scripts that exist', () => {
  const named = [...readme.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1] ?? '');
  expect(named.length).toBeGreaterThan(3);
  expect(named.filter((script) => !(script in packageJson.scripts))).toEqual([]);
});

it('runs exactly the README test command in CI', () => {
  const ci = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');
  expect(readme).toContain('npm install && npm test');
  expect(ci).toMatch(/^npm test$/m);
});
