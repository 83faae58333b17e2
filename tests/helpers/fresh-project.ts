// A fresh checkout of this project in a temporary folder, and the server or CLI run there as a new user would.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

/**
 * The tracked files as they are now (what a clone of this commit plus these edits holds), with node_modules linked
 * rather than installed again. `mode` is the folder's own: mktemp's 700 by default, as a private folder is.
 */
export function freshProject(opts: { mode?: number } = {}): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'slotkeeper-fresh-'));
  if (opts.mode !== undefined) chmodSync(dir, opts.mode);
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    try {
      cpSync(join(ROOT, file), join(dir, file));
    } catch (err) {
      // A file deleted in the working tree but not yet in git is not part of the checkout.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Only what a login shell has: no DATABASE_URL, no secrets, nothing of the test run's own environment. */
export const bareEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH!,
  HOME: process.env.HOME ?? '/root',
  ...extra,
});

export interface Spawned {
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves with the output once it matches; rejects if the process ends first or after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
}

/** Spawns in its own process group (as a terminal's foreground job is), so a test can signal the group. */
export function spawnIn(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv): Spawned {
  const child = spawn(command, args, { cwd, env, detached: true });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown')),
  );
  return {
    child,
    output: () => out,
    exited,
    waitFor: (pattern, ms = 90_000) =>
      new Promise((resolveWait, reject) => {
        const timer = setInterval(() => {
          if (pattern.test(out)) {
            clearInterval(timer);
            resolveWait(out);
          }
        }, 50);
        void exited.then((code) => {
          setTimeout(() => {
            clearInterval(timer);
            if (pattern.test(out)) resolveWait(out);
            else reject(new Error(`exited with ${code} before printing ${pattern}:\n${out}`));
          }, 100);
        });
        setTimeout(() => {
          clearInterval(timer);
          reject(new Error(`no ${pattern} within ${ms / 1000} s:\n${out}`));
        }, ms).unref();
      }),
  };
}

/** Runs a command to its end; the exit code and what it printed. */
export function runIn(
  cwd: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, reject) => {
    // stdin not a socket: Debian's bash reads /etc/bash.bashrc when it thinks rshd started it.
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

/** A stack trace line or an uncaught error, which a clean start or stop never prints. */
export const STACK_TRACE =
  /^\s+at .+\(.+:\d+:\d+\)$|^\s+at .+:\d+:\d+$|Uncaught|UnhandledPromiseRejection|CONNECTION_CLOSED/m;
