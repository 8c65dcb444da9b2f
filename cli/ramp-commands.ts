import type { Strategy } from '../server/ramps/strategy.js';
import { formatStrategyText, parseStrategyText } from '../server/ramps/strategy-text.js';
import type { Answer, Command } from './commands.js';
import { UsageError } from './exit-codes.js';

/**
 * `tracelane deploy --strategy` and the ramp commands: pause, resume, skip and abort a running ramp (each recorded
 * with the key's name and the reason, like the UI's buttons).
 */
const enc = encodeURIComponent;

/** `--strategy "5% 15m → 25% 30m → 100%"`; `none` deploys at once even where the environment has a default. */
export function strategyOption(value: string | undefined): Strategy | null | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === 'none') return null;
  const parsed = parseStrategyText(value);
  if ('error' in parsed) throw new UsageError(`--strategy: ${parsed.error}`);
  return parsed.strategy;
}

const lane = (b: Answer) => `${b.prompt} in ${b.environment}`;

function rampAction(action: 'pause' | 'resume' | 'abort', summary: string, done: (b: Answer) => string): Command {
  return {
    usage: `ramp ${action} <rampId> --reason <text>`,
    summary,
    positionals: ['rampId'],
    options: { reason: 'text' },
    plan: (a, o) => {
      if (!o.reason) throw new UsageError(`ramp ${action} needs --reason`);
      return {
        method: 'POST',
        path: `/ramps/${enc(a.rampId!)}/${action}`,
        body: { reason: o.reason },
        describe: (_s, b) => done(b),
      };
    },
  };
}

export const RAMP_COMMANDS: Record<string, Command> = {
  'ramp pause': rampAction(
    'pause',
    'hold a ramp at its current step (a failing verdict still rolls it back)',
    (b) => `paused the ramp: ${lane(b)} stays at ${b.canaryPercent ?? '?'}% on v${b.version}`,
  ),
  'ramp resume': rampAction(
    'resume',
    'resume a paused ramp: the step gets its full time again, then advances on a pass',
    (b) => `resumed the ramp of v${b.version} in ${lane(b)}`,
  ),
  'ramp abort': rampAction(
    'abort',
    'end a ramp: all traffic goes back to the stable version',
    (b) => `aborted the ramp: ${lane(b)} serves v${b.version} again`,
  ),
  'ramp skip': {
    usage: 'ramp skip <rampId> --to <percent> --reason <text>',
    summary: 'move a ramp to one of its steps now (100: the new version takes all traffic)',
    positionals: ['rampId'],
    options: { to: 'percent', reason: 'text' },
    plan: (a, o) => {
      const percent = Number(o.to);
      if (o.to === undefined || o.to.trim() === '' || !Number.isFinite(percent))
        throw new UsageError(`--to must be the percentage of a step; got "${o.to ?? ''}"`);
      if (!o.reason) throw new UsageError('ramp skip needs --reason');
      return {
        method: 'POST',
        path: `/ramps/${enc(a.rampId!)}/skip`,
        body: { percent, reason: o.reason },
        describe: (_s, b) =>
          b.kind === 'canary_promote'
            ? `ramp finished by hand: ${lane(b)} serves v${b.version} to all traffic`
            : `ramp moved to ${b.canaryPercent}% (step ${(b.rampStep ?? 0) + 1}) in ${lane(b)}`,
      };
    },
  },
};

/** The answer to a deploy that started a ramp. */
export function describeRampStart(b: Answer): string {
  const steps = b.strategy ? formatStrategyText(b.strategy) : '';
  return `ramp started: ${lane(b)} sends ${b.canaryPercent}% of traffic to v${b.version} (step 1 of ${b.strategy?.steps.length ?? '?'}: ${steps}), advancing as each step passes; ramp id ${b.rampId}`;
}
