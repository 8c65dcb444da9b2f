import type { Config } from '../config.js';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { describeChange } from './change-text.js';
import type { NewChange } from './change-log.js';
import { saveScannedTo, scannedTo } from './scan-state.js';
import { scanModelSnapshots } from './scan-model-snapshots.js';
import { scanPromptDrift } from './scan-prompt-drift.js';
import { VersionTemplates } from './version-templates.js';

export interface ChangeDetection {
  /** Runs every detector over the spans not scanned yet; runs never overlap. */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

/** The longest span window one scan reads; after a long stop the older spans are skipped (logged). */
const MAX_SCAN_MS = 3_600_000;

type Detector = (from: number, to: number) => Promise<NewChange[]>;

/**
 * Looks for changes nobody announced every CHANGES_INTERVAL_MS, over spans at least CHANGES_SCAN_DELAY_MS old (so
 * that late spans are in), each detector from where it stopped. New changes are published as `change.detected`.
 */
export function startChangeDetection(deps: {
  config: Pick<Config, 'CHANGES_INTERVAL_MS' | 'CHANGES_SCAN_DELAY_MS'>;
  store: Store;
  bus: EventBus;
  log: Logger;
}): ChangeDetection {
  const { config, store, bus, log } = deps;
  const templates = new VersionTemplates(store);
  const detectors: Record<string, Detector> = {
    model_snapshot: (from, to) => scanModelSnapshots(store, from, to),
    prompt_drift: (from, to) => scanPromptDrift(store, templates, from, to),
  };
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const scan = async (name: string, detect: Detector) => {
    const to = Date.now() - config.CHANGES_SCAN_DELAY_MS;
    const last = (await scannedTo(store, name)) ?? to - MAX_SCAN_MS;
    if (last >= to) return;
    if (to - last > MAX_SCAN_MS)
      log.warn('change detection skipped old spans', { detector: name, from: new Date(last).toISOString() });
    const from = Math.max(last, to - MAX_SCAN_MS);
    for (const change of await detect(from, to)) {
      bus.publish('change.detected', { ...change, description: describeChange(change) });
    }
    await saveScannedTo(store, name, to);
  };
  const pass = async () => {
    for (const [name, detect] of Object.entries(detectors)) {
      await scan(name, detect).catch((err: unknown) =>
        log.error('change detection failed', {
          detector: name,
          error: err instanceof Error ? err.message : String(err),
        }),
      );
    }
  };
  const runNow = () => (running = running.then(pass));
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void runNow().finally(schedule), config.CHANGES_INTERVAL_MS);
    timer.unref();
  };
  schedule();
  return {
    runNow,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
