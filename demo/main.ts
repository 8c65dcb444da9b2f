import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/log.js';
import { startTracelane, type Tracelane } from '../server/tracelane.js';
import { runDemo } from './run-demo.js';

/**
 * `npm run demo`: Tracelane on the embedded store in its own data folder (`.demo-data/`, never `./data`), with the
 * demo triage application beside it. With `--api-url` it runs only the application, against a running Tracelane
 * (docker compose's `demo` profile does this).
 */
const USAGE = `usage: npm run demo -- [options]
  --speed <factor>        replay the story's minutes this much faster than real time (default 30; 1 = real time)
  --no-regression         a calm demo: version 2 is a harmless change
  --history-hours <n>     hours of history backfilled on the first start (default 24)
  --reset                 delete the demo data folder first (the story plays again)
  --data-dir <path>       demo data folder (default .demo-data)
  --api-url <url>         use a running Tracelane instead of starting one (then also --otlp-url)
  --otlp-url <url,…>      its collectors
  --api-key <key>         a deployer key, when that Tracelane has API keys
  --ingest-key <key>      an ingest key, when its collectors require one`;

const { values: args } = parseArgs({
  options: {
    speed: { type: 'string', default: '30' },
    'no-regression': { type: 'boolean', default: false },
    'history-hours': { type: 'string', default: '24' },
    reset: { type: 'boolean', default: false },
    'data-dir': { type: 'string', default: '.demo-data' },
    'api-url': { type: 'string' },
    'otlp-url': { type: 'string' },
    'api-key': { type: 'string' },
    'ingest-key': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

function numberArg(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    fail(`--${name} must be a number from ${min} to ${max}, got "${value}"`);
  return n;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const speed = numberArg('speed', args.speed, 1, 1000);
const historyHours = numberArg('history-hours', args['history-hours'], 0, 72);
if (args['api-url'] && !args['otlp-url']) fail('--api-url needs --otlp-url (the collectors to send traces to)');

let tracelane: Tracelane | undefined;
if (!args['api-url']) {
  if (args.reset) rmSync(args['data-dir'], { recursive: true, force: true });
  // Judged every 10 s rather than every minute, so the regression is flagged as soon as the story reaches it; the
  // simulated model's endpoint listens on loopback, which the outbound guard refuses unless allowed.
  const defaults = { ANALYSIS_INTERVAL_MS: '10000', OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1' };
  const config = loadConfig({ ...defaults, ...process.env, DATA_DIR: args['data-dir'], CLICKHOUSE_URL: '' });
  tracelane = await startTracelane(config, createLogger(config.LOG_FORMAT));
}
const apiUrl = args['api-url'] ?? (tracelane as Tracelane).apiUrl;
const otlpUrls = args['otlp-url']?.split(',') ?? [(tracelane as Tracelane).otlpUrl];

const say = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const demo = await runDemo({
  apiUrl,
  otlpUrls,
  ...(args['api-key'] ? { apiKey: args['api-key'] } : {}),
  ...(args['ingest-key'] ? { ingestKey: args['ingest-key'] } : {}),
  speed,
  regression: !args['no-regression'],
  historyHours,
  seed: Date.now() % 1_000_000,
  say,
});

banner([
  'Tracelane demo',
  '',
  `Open the UI:  ${apiUrl}`,
  '',
  demo.firstRun && !args['no-regression']
    ? 'Version 2 of support-triage fails its test set (Reviews), ships over the gate, gets flagged: roll it back.'
    : 'The support-triage service is sending live traffic.',
  `OTLP collector: ${otlpUrls.join(', ')}   Stop: Ctrl+C`,
]);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    say('[demo] stopping');
    demo
      .close()
      .then(() => tracelane?.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`shutdown failed: ${String(err)}\n`);
          process.exit(1);
        },
      );
  });
}

function banner(lines: string[]): void {
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const rule = '═'.repeat(width);
  const body = lines.map((l) => `║  ${l.padEnd(width - 4)}  ║`);
  process.stdout.write(`\n╔${rule}╗\n${body.join('\n')}\n╚${rule}╝\n\n`);
}
