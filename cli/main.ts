import { runCli } from './run.js';

/** Entry point of the `tracelane` command (bin/tracelane.js). */
process.exitCode = await runCli(process.argv.slice(2), process.env, {
  stdout: (text) => process.stdout.write(text + '\n'),
  stderr: (text) => process.stderr.write(text + '\n'),
});
