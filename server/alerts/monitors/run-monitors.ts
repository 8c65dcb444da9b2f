import type { Logger } from '../../log.js';
import type { Store } from '../../store/store.js';
import { listAlerts } from '../alert-log.js';
import type { AlertService, Routing } from '../alert-service.js';
import { decideMonitorStep, type MonitorOutcome } from '../alert-transitions.js';
import { SYSTEM_ACTOR } from '../alert-types.js';
import { findChannel, type ChannelWithSettings } from '../channels/channel-table.js';
import { measureMonitor } from './measure-monitor.js';
import { listMonitors, type Monitor } from './monitor-table.js';

/** The latest evaluation of each monitor, kept in memory for the API (recomputed after a restart). */
export type Evaluations = Map<string, { evaluatedAt: string; outcome: MonitorOutcome }>;

export interface RunDeps {
  store: Store;
  log: Logger;
  service: AlertService;
  evaluations: Evaluations;
}

const monitorSubject = (m: Monitor) => ({
  source: 'monitor' as const,
  monitorId: m.id,
  deploymentId: '',
  scope: m.scope,
});

function monitorRouting(store: Store, m: Monitor, now: number): Routing {
  return {
    muted: m.mutedUntil !== null && Date.parse(m.mutedUntil) > now,
    async channelsFor(level) {
      const found = await Promise.all(m.notify[level].map((id) => findChannel(store, id)));
      return found.filter((c): c is ChannelWithSettings => c !== undefined);
    },
  };
}

/**
 * One pass over the monitors: measure each enabled one and take the step its alert's rules decide; resolve the
 * open alerts of monitors that were disabled or deleted. A monitor that fails to evaluate is logged and skipped.
 */
export async function runMonitors(deps: RunDeps, now: number): Promise<void> {
  const monitors = await listMonitors(deps.store);
  for (const m of monitors.filter((x) => x.enabled)) {
    try {
      const outcome = await measureMonitor(deps.store, m, now);
      deps.evaluations.set(m.id, { evaluatedAt: new Date(now).toISOString(), outcome });
      await deps.service.step(
        monitorSubject(m),
        (current) => {
          const open = current?.status === 'resolved' ? undefined : current;
          const decision = decideMonitorStep(open, outcome, m, now);
          return (
            decision && {
              decision,
              title: m.name,
              summary: outcome.facts.reason,
              facts: outcome.facts,
              actor: SYSTEM_ACTOR,
            }
          );
        },
        monitorRouting(deps.store, m, now),
      );
    } catch (err) {
      deps.log.error('monitor evaluation failed', {
        monitor: m.id,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
  const enabled = new Set(monitors.filter((m) => m.enabled).map((m) => m.id));
  const orphans = await listAlerts(deps.store, { source: 'monitor', status: 'open', limit: 10_000 });
  for (const alert of orphans.filter((a) => !enabled.has(a.monitorId))) {
    const why = monitors.some((m) => m.id === alert.monitorId) ? 'the monitor was disabled' : 'the monitor was deleted';
    await deps.service.step(
      { source: 'monitor', monitorId: alert.monitorId, deploymentId: '', scope: alert.scope },
      (current) =>
        current && current.status !== 'resolved'
          ? {
              decision: { kind: 'resolved', status: 'resolved', level: current.level, note: why },
              title: current.title,
              summary: current.summary,
              facts: current.facts,
              actor: SYSTEM_ACTOR,
            }
          : null,
      { muted: false, channelsFor: () => Promise.resolve([]) },
    );
  }
}
