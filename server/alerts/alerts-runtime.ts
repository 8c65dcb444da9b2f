import type { Config } from '../config.js';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { createAlertService, type AlertService } from './alert-service.js';
import { startAlertDispatcher, type AlertDispatcher } from './delivery/alert-dispatcher.js';
import { runMonitors, type Evaluations } from './monitors/run-monitors.js';
import { createTransports } from './transports/transports.js';
import { syncVerdictAlerts } from './verdict-alerts.js';

export interface AlertsRuntime {
  service: AlertService;
  dispatcher: AlertDispatcher;
  /** The latest evaluation of each monitor. */
  evaluations: Evaluations;
  /** Runs a pass now (deployment verdicts, then monitors); passes never overlap. */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

/** Events after which deployment verdict alerts are brought up to date at once, not at the next pass. */
const VERDICT_EVENTS = new Set(['regression.detected', 'analysis.updated', 'deployment.created']);

/**
 * Starts alerting: resumes unfinished notifications, then every ALERTS_INTERVAL_MS (counted from the end of the
 * previous pass) syncs the deployment verdict alerts and evaluates the monitors. Verdict changes and deployments on
 * the event bus trigger a pass straight away.
 */
export async function startAlerts(deps: {
  config: Config;
  store: Store;
  bus: EventBus;
  log: Logger;
  publicUrl: () => string;
}): Promise<AlertsRuntime> {
  const { config, store, log } = deps;
  const dispatcher = await startAlertDispatcher({ config, store, log, transports: createTransports(config) });
  const service = createAlertService({ ...deps, dispatcher });
  const evaluations: Evaluations = new Map();
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const verdicts = () =>
    syncVerdictAlerts(store, service, Date.now()).catch((err: unknown) =>
      log.error('deployment verdict alerts failed', { error: String(err) }),
    );
  const pass = async () => {
    await verdicts();
    await runMonitors({ store, log, service, evaluations }, Date.now());
  };
  /** Queues work after the pass in progress, so that passes never overlap. */
  const serial = (work: () => Promise<void>) => {
    running = running.then(work).catch((err: unknown) => log.error('alerts pass failed', { error: String(err) }));
    return running;
  };
  const runNow = () => serial(pass);
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void runNow().finally(schedule), config.ALERTS_INTERVAL_MS);
    timer.unref();
  };
  const unsubscribe = deps.bus.subscribe((event) => {
    if (!stopped && VERDICT_EVENTS.has(event.type)) void serial(verdicts);
  });
  schedule();

  return {
    service,
    dispatcher,
    evaluations,
    runNow,
    stop: async () => {
      stopped = true;
      unsubscribe();
      clearTimeout(timer);
      await running;
      await dispatcher.stop();
    },
  };
}
