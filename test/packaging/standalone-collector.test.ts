import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseStore } from '../../server/store/clickhouse-store.js';
import { startClickHouseFixture, type ClickHouseFixture } from '../fixtures/clickhouse-http-fixture.js';
import { tempDataDir } from '../helpers/tracelane.js';

/** `npm run collector`, as separate processes: refuses the embedded store, and N of them share one ClickHouse. */
const root = fileURLToPath(new URL('../../', import.meta.url));

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startCollector(env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', 'collector/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', OTLP_PORT: '0', OTLP_GRPC_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function urlOf(collector: Running): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const match = /OTLP\/HTTP collector on (http:\/\/[\d.]+:\d+)\/v1\/traces/.exec(collector.output());
    if (match?.[1]) return match[1];
    if (Date.now() > deadline || collector.child.exitCode !== null) throw new Error(`no URL in: ${collector.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function exportRequest(traceId: string) {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'standalone-test' } }] },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: [
              {
                traceId,
                spanId: randomBytes(8).toString('hex'),
                name: 'chat gpt-4o-mini',
                kind: 3,
                startTimeUnixNano: String(now - 5_000_000n),
                endTimeUnixNano: String(now),
                attributes: [{ key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } }],
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('standalone collector', () => {
  it('refuses to start without CLICKHOUSE_URL and says why', async () => {
    const collector = startCollector({});
    expect(await collector.exited).toBe(2);
    expect(collector.output()).toMatch(/needs CLICKHOUSE_URL/);
    expect(collector.output()).toMatch(/chDB\) binds its data folder to one process/);
  });

  describe('two of them against one ClickHouse', () => {
    let dataDir: string;
    let fixture: ClickHouseFixture;
    let store: ClickHouseStore;
    const collectors: Running[] = [];

    beforeAll(async () => {
      dataDir = tempDataDir('tracelane-collectors-');
      fixture = await startClickHouseFixture(dataDir);
      const env = { CLICKHOUSE_URL: fixture.url, CLICKHOUSE_USER: fixture.user, CLICKHOUSE_PASSWORD: fixture.password };
      // Started together: both run the (idempotent) migrations at the same time.
      collectors.push(startCollector(env), startCollector(env));
      store = new ClickHouseStore({
        url: fixture.url,
        username: fixture.user,
        password: fixture.password,
        database: 'default',
      });
    });
    afterAll(async () => {
      for (const c of collectors) if (c.child.exitCode === null) c.child.kill('SIGKILL');
      await store.close();
      await fixture.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('both accept spans into the same store, and stop cleanly on SIGTERM', async () => {
      const traceIds: string[] = [];
      for (const collector of collectors) {
        const traceId = randomBytes(16).toString('hex');
        traceIds.push(traceId);
        const res = await fetch(`${await urlOf(collector)}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(exportRequest(traceId)),
        });
        expect(res.status, await res.clone().text()).toBe(200);
      }
      const rows = await store.query<{ TraceId: string }>(
        'SELECT TraceId FROM otel_traces WHERE TraceId IN {ids:Array(String)} ORDER BY TraceId',
        { ids: traceIds },
      );
      expect(rows.map((r) => r.TraceId)).toEqual([...traceIds].sort());
      const migrations = await store.query<{ n: number }>(
        'SELECT count(DISTINCT version) AS n FROM tracelane_migrations',
      );
      expect(migrations[0]?.n).toBeGreaterThan(0);

      for (const collector of collectors) collector.child.kill('SIGTERM');
      expect(await Promise.all(collectors.map((c) => c.exited))).toEqual([0, 0]);
    });
  });
});
