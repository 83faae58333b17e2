// npm run dashboard-link -- <clinic slug> [hours]: the CLI's dashboard-link command under its older name.
import { runCliProcess } from '../cli/run-process.ts';

await runCliProcess(['dashboard-link', ...process.argv.slice(2)]);
