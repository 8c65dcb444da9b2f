import type { Strategy } from './strategy.js';

/**
 * A rollout strategy as people type and read it — in the deploy form, `tracelane deploy --strategy` and messages:
 * `5% 15m → 25% 30m → 50% 30m → 100%` (steps separated by `→`, `->` or `,`; a final 100 % is implied). Pure and
 * dependency-free, so the UI and the CLI use it too; the server validates the steps again (strategy.ts).
 */
export function formatStrategyText(strategy: Strategy): string {
  return [...strategy.steps.map((s) => `${s.percent}% ${s.minutes}m`), '100%'].join(' → ');
}

const STEP = /^(\d+(?:\.\d+)?)\s*%\s*(?:(\d+)\s*(?:m|min|minutes?))?$/;

export function parseStrategyText(text: string): { strategy: Strategy } | { error: string } {
  const parts = text
    .split(/→|->|,/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) return { error: 'write at least one step, e.g. 5% 15m → 25% 30m → 100%' };
  const steps: Strategy['steps'] = [];
  for (const [i, part] of parts.entries()) {
    const match = STEP.exec(part);
    if (!match) return { error: `step ${i + 1} ("${part}"): write it as <percent>% <minutes>m, e.g. 25% 30m` };
    const percent = Number(match[1]);
    if (percent === 100 && i === parts.length - 1) break;
    if (match[2] === undefined) return { error: `step ${i + 1} ("${part}"): how many minutes? e.g. ${percent}% 30m` };
    steps.push({ percent, minutes: Number(match[2]) });
  }
  if (steps.length === 0) return { error: 'a ramp needs a step below 100%' };
  return { strategy: { steps } };
}
