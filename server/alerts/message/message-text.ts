import type { AlertFacts } from '../alert-types.js';
import type { AlertMessage } from './alert-message.js';

/** Pieces of text every rendering shares, so Slack, PagerDuty and email say the same thing. */

/** `2026-12-03 10:02 UTC` */
export function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Label and value pairs of the numbers behind the alert, in reading order (absent ones left out). */
export function numberFields(facts: AlertFacts | null): [string, string][] {
  if (!facts) return [];
  const fields: [string, string][] = [['Now', facts.current]];
  if (facts.baseline !== null) fields.push(['Baseline', facts.baseline]);
  if (facts.effect !== null) fields.push(['Effect', facts.effect]);
  if (facts.threshold !== null) fields.push(['Threshold', facts.threshold]);
  const n =
    facts.n.baseline === null ? `${facts.n.current}` : `${facts.n.current} now, ${facts.n.baseline} in the baseline`;
  fields.push(['Samples (n)', n]);
  if (facts.test !== null) {
    const p =
      facts.pValue === null
        ? ''
        : `, p=${facts.pValue < 1e-4 ? facts.pValue.toExponential(1) : Number(facts.pValue.toPrecision(2))}`;
    fields.push(['Test', `${facts.test}${p}`]);
  }
  return fields;
}

/** Who took a human step, with their note: `acknowledged by alice: looking into it`. */
export function stepByline(m: AlertMessage): string | null {
  if (m.step === 'acknowledged') return `Acknowledged by ${m.actor}${m.note ? `: ${m.note}` : ''}`;
  if (m.step === 'resolved') return `Resolved by ${m.actor}${m.note ? `: ${m.note}` : ''}`;
  if (m.step === 'level_changed') return `Level changed: ${m.note}`;
  return null;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
