import type { PromptVersion } from '../clients/typescript/src/index.js';
import { arrivals, nextTicket } from './tickets.js';
import type { TriageService } from './triage-app.js';

/** Requests replayed between two flushes: keeps the exporter's queue bounded and the collector's batches large. */
const CHUNK = 1500;

/**
 * Replays the traffic of `[from, to)` through a triage service — real spans with past timestamps, sent over OTLP
 * like live ones — using the version that was live back then. Returns the number of tickets replayed.
 */
export async function backfill(
  service: TriageService,
  version: PromptVersion,
  window: { from: number; to: number },
  perSecond: number,
  random: () => number,
  stopped: () => boolean = () => false,
): Promise<number> {
  const arrival = arrivals(perSecond, random);
  const prompt = service.historic(version);
  let count = 0;
  for (let t = arrival.next(window.from); t < window.to && !stopped(); t = arrival.next(t)) {
    service.triageWith(prompt, nextTicket(random), t);
    if (++count % CHUNK === 0) await service.flush();
  }
  await service.flush();
  return count;
}
