// npm run migrate: the CLI's migrate command (beside a running server, on its database; see src/cli/context.ts).
import { runCliProcess } from '../cli/run-process.ts';

await runCliProcess(['migrate', ...process.argv.slice(2)]);
