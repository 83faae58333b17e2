import { runCliProcess } from './run-process.ts';

await runCliProcess(process.argv.slice(2));
