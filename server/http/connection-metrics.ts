import type { ListenerName } from './listener.js';

/** Why a listener closed a connection itself (listener.ts). */
export const CLOSED_REASONS = ['limit', 'idle', 'timeout', 'slow_body'] as const;
export type ClosedReason = (typeof CLOSED_REASONS)[number];

const PORTS: readonly ListenerName[] = ['api', 'otlp'];

/**
 * Connections the listeners closed, per port and reason: `limit` (over the port's connection cap), `idle` (sent
 * nothing within the header timeout), `timeout` (headers or request not complete in time), `slow_body` (a body
 * below the minimum rate). In `GET /api/v1/health` and in `/metrics` on both ports.
 */
export class ConnectionMetrics {
  private readonly counts = new Map<string, number>();

  closed(port: ListenerName, reason: ClosedReason): void {
    const key = `${port}/${reason}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  snapshot(): Record<string, Record<ClosedReason, number>> {
    return Object.fromEntries(
      PORTS.map((port) => [port, Object.fromEntries(CLOSED_REASONS.map((r) => [r, this.count(port, r)]))]),
    ) as Record<string, Record<ClosedReason, number>>;
  }

  prometheus(): string {
    const name = 'tracelane_http_connections_closed_total';
    const samples = PORTS.flatMap((port) =>
      CLOSED_REASONS.map((reason) => `${name}{port="${port}",reason="${reason}"} ${this.count(port, reason)}`),
    );
    return (
      [
        `# HELP ${name} Connections closed by Tracelane: over the connection cap, idle, timed out, or a body too slow.`,
        `# TYPE ${name} counter`,
        ...samples,
      ].join('\n') + '\n'
    );
  }

  private count(port: ListenerName, reason: ClosedReason): number {
    return this.counts.get(`${port}/${reason}`) ?? 0;
  }
}
