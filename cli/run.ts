import { parseArgs } from 'node:util';
import { callApi, settingsFrom } from './api-client.js';
import { COMMANDS, type Answer, type Command } from './commands.js';
import { EXIT, RequestFailed, UsageError, type ExitCode } from './exit-codes.js';

export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Runs one `tracelane` command line and returns its exit code; prints results to stdout, problems to stderr. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, out: Output): Promise<ExitCode> {
  const json = argv.includes('--json');
  try {
    const [first, ...afterFirst] = argv;
    // two-word commands (`eval run`) are looked up by both words
    const twoWords = first !== undefined && afterFirst[0] !== undefined && COMMANDS[`${first} ${afterFirst[0]}`];
    const name = twoWords ? `${first} ${afterFirst[0]}` : first;
    const rest = twoWords ? afterFirst.slice(1) : afterFirst;
    if (name === undefined) {
      out.stderr(overview());
      return EXIT.usage;
    }
    if (name === 'help' || name === '--help' || name === '-h') {
      out.stdout(overview());
      return EXIT.ok;
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        ...Object.fromEntries(Object.keys(command.options).map((o) => [o, { type: 'string' as const }])),
        ...Object.fromEntries((command.flags ?? []).map((f) => [f, { type: 'boolean' as const }])),
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      out.stdout(help(command));
      return EXIT.ok;
    }
    if (positionals.length !== command.positionals.length) {
      throw new UsageError(
        `${name} takes ${command.positionals.length} arguments, got ${positionals.length}\nusage: tracelane ${command.usage}`,
      );
    }
    const args = Object.fromEntries(command.positionals.map((p, i) => [p, positionals[i]!]));
    const given = values as Record<string, string | boolean | undefined>;
    const options = Object.fromEntries(
      Object.keys(command.options).map((o) => [o, typeof given[o] === 'string' ? given[o] : undefined]),
    );
    if (command.execute) {
      const flags = Object.fromEntries((command.flags ?? []).map((f) => [f, given[f] === true]));
      return await command.execute({ settings: settingsFrom(env), args, options, flags, json, out });
    }
    const plan = command.plan!(args, options);
    const response = await callApi(settingsFrom(env), plan.method, plan.path, plan.body);
    const answer = (response.body ?? {}) as Answer;
    out.stdout(json ? JSON.stringify(response.body, null, 2) : plan.describe(response.status, answer));
    return EXIT.ok;
  } catch (err) {
    if (err instanceof UsageError || isParseArgsError(err)) {
      out.stderr(`tracelane: ${(err as Error).message}\nRun "tracelane --help" for usage.`);
      return EXIT.usage;
    }
    if (err instanceof RequestFailed) {
      if (json && err.body !== undefined) out.stdout(JSON.stringify(err.body, null, 2));
      out.stderr(`tracelane: ${err.message}`);
      return err.code;
    }
    throw err;
  }
}

function isParseArgsError(err: unknown): boolean {
  return String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
}

function help(command: Command): string {
  return `usage: tracelane ${command.usage} [--json]\n\n${command.summary}`;
}

function overview(): string {
  const lines = Object.values(COMMANDS).map((c) => `  tracelane ${c.usage}\n      ${c.summary}`);
  return [
    'tracelane: deploy, roll back and inspect prompt versions on a Tracelane server',
    '',
    'commands:',
    ...lines,
    '',
    "options: --json prints the API response as JSON; --help shows a command's usage",
    'environment: TRACELANE_URL (default http://127.0.0.1:8080), TRACELANE_API_KEY, TRACELANE_TIMEOUT_MS (default 30000)',
    'exit codes: 0 ok, 1 usage error, 2 rejected by the API (4xx) or, for eval run, a category regressed, 3 server or network error (or a run that did not complete)',
  ].join('\n');
}
