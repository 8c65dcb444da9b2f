import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../server/config.js';
import { silentLogger, type Logger } from '../../server/log.js';
import { startTracelane, type Tracelane } from '../../server/tracelane.js';

/** A fresh data folder under the OS temp dir; chDB binds one per process, so each test file makes its own. */
export function tempDataDir(prefix = 'tracelane-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TestTracelane extends Tracelane {
  config: Config;
  dataDir: string;
}

/**
 * Starts server and collector on free ports over a fresh embedded store. `env` overrides configuration
 * variables by name, exactly as the environment would (DATA_DIR included: a restart on the same folder). Call
 * `close()` in afterAll; it deletes the data folder unless `keepData`.
 */
export async function startTestTracelane(
  env: Record<string, string> = {},
  options: { log?: Logger; keepData?: boolean } = {},
): Promise<TestTracelane> {
  const dataDir = env.DATA_DIR ?? tempDataDir();
  const config = loadConfig({ PORT: '0', OTLP_PORT: '0', OTLP_GRPC_PORT: '0', DATA_DIR: dataDir, ...env });
  const tracelane = await startTracelane(config, options.log ?? silentLogger);
  return {
    ...tracelane,
    config,
    dataDir,
    close: async () => {
      await tracelane.close();
      if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
