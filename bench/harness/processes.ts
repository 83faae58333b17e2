import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServiceProcess {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The last lines the process wrote, for the error message when something goes wrong. */
  output(): string;
  stop(): Promise<void>;
}

const READY = /listening on https?:\/\/[^\s:]+:(\d+)/i;
const KEEP_LINES = 40;
/** pino's error and fatal levels. */
const ERROR_LINE = /"level":[56]0/;

/**
 * Starts an entry point as its own Node process, so the process under test never shares an event loop with the load
 * generator: compiled JavaScript (`.js`) with plain node, as production runs it; TypeScript through tsx. Ready when
 * it prints "listening on http://host:port".
 */
export async function startService(
  script: string,
  env: Record<string, string>,
  options: { nodeFlags?: string[]; readyTimeoutMs?: number } = {},
): Promise<ServiceProcess> {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ...loader, script], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer, only?: RegExp) => {
    lines.push(
      ...chunk
        .toString()
        .split('\n')
        .filter((line) => line && (!only || only.test(line))),
    );
    lines.splice(0, Math.max(0, lines.length - KEEP_LINES));
  };
  child.stderr!.on('data', keep);
  const output = () => lines.join('\n');

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} did not start within ${options.readyTimeoutMs ?? 30_000} ms:\n${output()}`)),
      options.readyTimeoutMs ?? 30_000,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      keep(chunk);
      const m = READY.exec(chunk.toString());
      if (m) {
        clearTimeout(timer);
        // From here on stdout is the server's log (one line per request at info): only its error lines are kept (a
        // pattern test, no JSON parsing), so the load generator in this process pays little for reading it.
        child.stdout!.removeAllListeners('data');
        child.stdout!.on('data', (log: Buffer) => keep(log, ERROR_LINE));
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before listening:\n${output()}`));
    });
  });
  let stopping = false;
  // A server that dies under load says why at once, not as a column of "fetch failed" at the end.
  child.once('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`${script} exited (${signal ?? code}) while under test:\n${output()}\n`);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    output,
    stop: () => {
      stopping = true;
      return stop(child);
    },
  };
}

/** SIGTERM and wait: the servers close their pools (and write their CPU profile) on the way out. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
