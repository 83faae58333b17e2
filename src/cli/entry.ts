import { ConfigError } from '../config.ts';
import { run, USAGE, UsageError } from './main.ts';

try {
  await run(process.argv.slice(2), (text) => console.log(text));
} catch (err) {
  if (err instanceof UsageError) console.error(`${err.message}\n\n${USAGE}`);
  else if (err instanceof ConfigError) console.error(err.message);
  else console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
