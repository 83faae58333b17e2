import { ConfigError } from '../config.ts';
import { commandHelp, run, UsageError, usage } from './main.ts';

/**
 * Runs the CLI as a process: exit 0 when done, 1 when it failed (one sentence on stderr, no stack trace), 2 for a
 * wrong command line (the sentence and the usage). Output to a pipe or file is written synchronously on Linux, so
 * exiting right away loses none of it.
 */
export async function runCliProcess(argv: string[]): Promise<never> {
  try {
    await run(argv, (text) => console.log(text));
    process.exit(0);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${err.command ? commandHelp(err.command) : usage()}`);
      process.exit(2);
    }
    console.error(err instanceof ConfigError || err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
