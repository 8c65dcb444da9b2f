import type { ClientSettings } from './api-client.js';
import { evalRun } from './eval-run.js';
import { UsageError, type ExitCode } from './exit-codes.js';
import { describeRampStart, RAMP_COMMANDS, strategyOption } from './ramp-commands.js';

/** An API call a command makes, and how its answer reads for a person. */
export interface Plan {
  method: 'GET' | 'POST';
  path: string;
  body?: Record<string, unknown>;
  describe(status: number, body: Answer): string;
}

export interface Command {
  usage: string;
  summary: string;
  positionals: string[];
  /** Options that take a value (`--reason text`); `--json` and `--help` are accepted by every command. */
  options: Record<string, string>;
  /** Options without a value (`--wait`). */
  flags?: string[];
  /** One API call, described for a person… */
  plan?(args: Record<string, string>, options: Record<string, string | undefined>): Plan;
  /** …or a command that makes several calls and chooses its own exit code. */
  execute?(run: {
    settings: ClientSettings;
    args: Record<string, string>;
    options: Record<string, string | undefined>;
    flags: Record<string, boolean>;
    json: boolean;
    out: { stdout(text: string): void; stderr(text: string): void };
  }): Promise<ExitCode>;
}

/**
 * The fields of the API's answers the messages use: a deployment event, a review request (202), or a resolution.
 * `--json` prints the whole answer.
 */
export interface Answer {
  id?: string;
  time?: string;
  prompt?: string;
  environment?: string;
  kind?: string;
  version?: number;
  previousVersion?: number | null;
  canaryPercent?: number | null;
  /** A ramp's step: the ramp (its first step's id), the step index and the strategy. */
  rampId?: string | null;
  rampStep?: number | null;
  strategy?: { steps: { percent: number; minutes: number }[] } | null;
  arm?: string;
  deploymentId?: string;
  stableVersion?: number;
  canary?: { version: number; percent: number } | null;
  /** A review request: who asked, and the deployment its approval recorded. */
  requestedBy?: string;
  reviewComment?: string | null;
}

const enc = encodeURIComponent;
const dep = (b: Answer) => `(deployment ${b.id})`;
const lane = (b: Answer) => `${b.prompt} in ${b.environment}`;
const v = (n: number | null | undefined) => (n === null || n === undefined ? 'nothing' : `v${n}`);
/** A 200 to a deploy or rollback: the lane already ran the target, so no event was recorded. */
const unchanged = (b: Answer) => `nothing to do: ${lane(b)} already runs ${v(b.version)} ${dep(b)}`;

function wholeNumber(value: string, name: string): number {
  if (!/^[1-9][0-9]*$/.test(value)) throw new UsageError(`${name} must be a version number (1, 2, …); got "${value}"`);
  return Number(value);
}

function percent(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--canary must be a percentage; got "${value}"`);
  return n;
}

/** An ISO-8601 time passes through; digits are epoch milliseconds. */
function timestamp(value: string): string | number {
  if (/^[0-9]+$/.test(value)) return Number(value);
  if (Number.isNaN(Date.parse(value))) throw new UsageError(`--timestamp must be ISO-8601 or epoch ms; got "${value}"`);
  return value;
}

/** Drops options that were not given, so the API applies its defaults. */
const defined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function describeDeploy(status: number, b: Answer): string {
  if (status === 202) {
    return `review requested: ${b.environment} is protected, so deploying ${b.prompt} ${v(b.version)} waits for another key to approve request ${b.id}`;
  }
  if (status === 200) return unchanged(b);
  if (b.kind === 'canary_start' && b.rampId) return describeRampStart(b);
  if (b.kind === 'canary_start') {
    return `canary started: ${lane(b)} sends ${b.canaryPercent}% of traffic to ${v(b.version)}, the rest to ${v(b.previousVersion)} ${dep(b)}`;
  }
  return `deployed ${v(b.version)} to ${lane(b)} (was ${v(b.previousVersion)}) ${dep(b)}`;
}

function names(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (list.length === 0) throw new UsageError('--evaluators must name at least one evaluator');
  return list;
}
/** What a review request would deploy, for the approve / reject messages. */
const requested = (b: Answer) => `${b.prompt} ${v(b.version)} to ${b.environment}`;

export const COMMANDS: Record<string, Command> = {
  deploy: {
    usage:
      'deploy <prompt> <environment> <version> [--reason <text>] [--canary <percent> | --strategy <steps|none>] [--expect <deploymentId>]',
    summary:
      'deploy a version: a ramp by the environment\'s default strategy if it has one, or by --strategy "5% 15m → 25% 30m" (none: at once), or a canary with --canary; --expect fails with 409 if the lane moved meanwhile',
    positionals: ['prompt', 'environment', 'version'],
    options: { reason: 'text', canary: 'percent', strategy: 'steps', expect: 'deploymentId' },
    plan: (a, o) => ({
      method: 'POST',
      path: '/deployments',
      body: defined({
        prompt: a.prompt,
        environment: a.environment,
        version: wholeNumber(a.version!, 'version'),
        reason: o.reason,
        canaryPercent: o.canary === undefined ? undefined : percent(o.canary),
        strategy: strategyOption(o.strategy),
        expectedDeploymentId: o.expect,
      }),
      describe: describeDeploy,
    }),
  },
  rollback: {
    usage: 'rollback <prompt> <environment> [--to <version>] [--reason <text>] [--expect <deploymentId>]',
    summary: 'restore the version live before the current one (or --to a given version); aborts a canary',
    positionals: ['prompt', 'environment'],
    options: { to: 'version', reason: 'text', expect: 'deploymentId' },
    plan: (a, o) => ({
      method: 'POST',
      path: '/deployments/rollback',
      body: defined({
        prompt: a.prompt,
        environment: a.environment,
        toVersion: o.to === undefined ? undefined : wholeNumber(o.to, '--to'),
        reason: o.reason,
        expectedDeploymentId: o.expect,
      }),
      describe: (status, b) =>
        status === 200
          ? unchanged(b)
          : `rolled back ${lane(b)} to ${v(b.version)} (was ${v(b.previousVersion)}) ${dep(b)}`,
    }),
  },
  promote: {
    usage: 'promote <deploymentId> [--reason <text>]',
    summary: 'send 100% of traffic to the candidate of a canary in progress',
    positionals: ['deploymentId'],
    options: { reason: 'text' },
    plan: (a, o) => ({
      method: 'POST',
      path: `/deployments/${enc(a.deploymentId!)}/promote`,
      body: defined({ reason: o.reason }),
      describe: (_s, b) => `promoted: ${lane(b)} now runs ${v(b.version)} for all traffic ${dep(b)}`,
    }),
  },
  resolve: {
    usage: 'resolve <prompt> <environment> [--key <assignment key>]',
    summary: 'show the version a runtime gets (with --key, its sticky canary arm)',
    positionals: ['prompt', 'environment'],
    options: { key: 'assignment key' },
    plan: (a, o) => {
      const query = new URLSearchParams({ environment: a.environment! });
      if (o.key !== undefined) query.set('key', o.key);
      return {
        method: 'GET',
        path: `/prompts/${enc(a.prompt!)}/resolve?${query.toString()}`,
        describe: (_s, b) => {
          const split = b.canary
            ? `; canary ${v(b.canary.version)} at ${b.canary.percent}%, stable ${v(b.stableVersion)}`
            : '';
          return `${lane(b)}: ${v(b.version)} (arm ${b.arm}${split}) (deployment ${b.deploymentId})`;
        },
      };
    },
  },
  approve: {
    usage: 'approve <requestId> [--comment <text>]',
    summary: 'approve a review request, which deploys it (another key than the one that asked must approve)',
    positionals: ['requestId'],
    options: { comment: 'text' },
    plan: (a, o) => ({
      method: 'POST',
      path: `/deployments/requests/${enc(a.requestId!)}/approve`,
      body: defined({ comment: o.comment }),
      describe: (_s, b) =>
        `approved request ${b.id}: deployed ${requested(b)}, asked by ${b.requestedBy} (deployment ${b.deploymentId})`,
    }),
  },
  reject: {
    usage: 'reject <requestId> --reason <text>',
    summary: 'reject a review request; nothing is deployed, and the requester reads your reason',
    positionals: ['requestId'],
    options: { reason: 'text' },
    plan: (a, o) => {
      if (!o.reason?.trim()) throw new UsageError('reject needs --reason <text>: the requester reads why');
      return {
        method: 'POST',
        path: `/deployments/requests/${enc(a.requestId!)}/reject`,
        body: { comment: o.reason },
        describe: (_s, b) => `rejected request ${b.id}: ${requested(b)} is not deployed (reason: ${b.reviewComment})`,
      };
    },
  },
  mark: {
    usage: 'mark <prompt> <environment> <version> [--timestamp <ISO-8601|epoch ms>] [--reason <text>] [--actor <who>]',
    summary: 'record a deployment made elsewhere (CI, another registry) at its own time',
    positionals: ['prompt', 'environment', 'version'],
    options: { timestamp: 'time', reason: 'text', actor: 'who' },
    plan: (a, o) => ({
      method: 'POST',
      path: '/deployments/external',
      body: defined({
        prompt: a.prompt,
        environment: a.environment,
        version: wholeNumber(a.version!, 'version'),
        timestamp: o.timestamp === undefined ? undefined : timestamp(o.timestamp),
        reason: o.reason,
        actor: o.actor,
      }),
      describe: (_s, b) => `recorded external deployment: ${lane(b)} ${v(b.version)} at ${b.time} ${dep(b)}`,
    }),
  },
  ...RAMP_COMMANDS,
  'eval run': {
    usage:
      'eval run <prompt> --version <n> --dataset <name> [--baseline <n>] [--connection <name>] [--evaluators <a,b>] [--model <model>] [--wait]',
    summary:
      'run a version over a dataset (against a baseline version); with --wait print the per-category table and exit 2 if a category regressed',
    positionals: ['prompt'],
    options: { version: 'n', dataset: 'name', baseline: 'n', connection: 'name', evaluators: 'names', model: 'model' },
    flags: ['wait'],
    execute: ({ settings, args, options, flags, json, out }) => {
      if (options.version === undefined) throw new UsageError('--version is required');
      if (options.dataset === undefined) throw new UsageError('--dataset is required');
      return evalRun(
        settings,
        {
          prompt: args.prompt!,
          version: wholeNumber(options.version, '--version'),
          dataset: options.dataset,
          baseline: options.baseline === undefined ? undefined : wholeNumber(options.baseline, '--baseline'),
          connection: options.connection,
          evaluators: names(options.evaluators),
          model: options.model,
          wait: flags.wait === true,
          json,
        },
        out,
      );
    },
  },
};
