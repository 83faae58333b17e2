// Real server processes (src/main.ts, as an operator starts it) sharing one database and, optionally, one Redis.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SecretBox } from '../../src/security/secret-box.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Instance {
  url: string;
}

export interface Instances {
  list: Instance[];
  close(): Promise<void>;
}

export interface InstanceEnv {
  databaseUrl: string;
  redisUrl?: string;
  redisKeyPrefix?: string;
  /** More settings for every instance (Twilio, timers…). */
  extra?: Record<string, string>;
}

/** The settings instances of one cluster share: one secrets key and one data folder, as one deployment would. */
function sharedEnv(env: InstanceEnv): Record<string, string> {
  return {
    DATABASE_URL: env.databaseUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    SEED_DEMO: 'false',
    SECRETS_KEY: SecretBox.generateKey(),
    DATA_DIR: env.extra?.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'slotkeeper-instance-')),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    DB_POOL_SIZE: '10',
    ...(env.redisUrl ? { REDIS_URL: env.redisUrl, REDIS_KEY_PREFIX: env.redisKeyPrefix ?? 'slotkeeper-test:' } : {}),
    ...env.extra,
  };
}

/** Spawns src/main.ts; resolves with its URL once it says it is listening, rejects if it exits first. */
function spawnServer(
  env: Record<string, string>,
  onOutput?: (chunk: Buffer) => void,
): { child: ChildProcess; listening: Promise<string> } {
  const { REDIS_URL: _ignored, ...inherited } = process.env;
  const child = spawn(
    process.execPath,
    [...(process.env.INSTANCE_NODE_FLAGS?.split(' ') ?? []), '--import', 'tsx', 'src/main.ts'],
    {
      cwd: ROOT,
      env: { ...inherited, ...env },
    },
  );
  const listening = new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      onOutput?.(d);
      err = (err + d.toString()).slice(-20_000);
    });
    child.stdout!.on('data', (d: Buffer) => {
      onOutput?.(d);
      out = (out + d.toString()).slice(-20_000);
      const port = /listening on http:\/\/(?:localhost|127\.0\.0\.1):(\d+)/.exec(out)?.[1];
      if (port) resolve(`http://127.0.0.1:${port}`);
    });
    child.on('exit', (code, signal) =>
      reject(new Error(`instance exited with ${code ?? signal} before listening:\n${err}`)),
    );
  });
  return { child, listening };
}

const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;

function endProcess(c: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise<void>((resolve) => {
    if (exited(c)) return resolve();
    c.once('exit', () => resolve());
    c.kill(signal);
  });
}

export async function startInstances(n: number, env: InstanceEnv): Promise<Instances> {
  const common = sharedEnv(env);
  const children: ChildProcess[] = [];
  const start = () => {
    const { child, listening } = spawnServer(common);
    children.push(child);
    return listening.then((url) => ({ url }));
  };
  const list = await Promise.all(Array.from({ length: n }, start));
  return {
    list,
    close: async () => void (await Promise.all(children.map((c) => endProcess(c, 'SIGTERM')))),
  };
}

/** One instance of a cluster on a fixed port, which a fault injector may freeze, kill and start again. */
export interface ServerProcess extends Instance {
  /** Sends a signal as is (SIGSTOP, SIGCONT…). */
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL and wait: no goodbye to the database, Redis or the clients. */
  kill(): Promise<void>;
  /** Starts it (again) on its port; resolves once it listens. */
  start(): Promise<void>;
  /** Thaws it if frozen, then SIGTERM and wait, as an operator stops it. */
  stop(): Promise<void>;
}

export interface ClusterHooks {
  /** Everything an instance prints (its log lines). */
  output?(instance: number, chunk: Buffer): void;
  /** An instance ended although nobody killed or stopped it: a crash. `why` is the end of what it printed. */
  crashed?(instance: number, why: string): void;
}

/**
 * A cluster whose instances keep their port across restarts, so clients (and the status-callback URL each one gives
 * Twilio) stay valid. `ports[i]` is instance i's port; each instance's PUBLIC_URL is its own address.
 */
export function serverProcesses(ports: number[], env: InstanceEnv, hooks: ClusterHooks = {}): ServerProcess[] {
  const common = sharedEnv(env);
  return ports.map((port, index) => {
    const url = `http://127.0.0.1:${port}`;
    let child: ChildProcess | undefined;
    let ending = false;
    const end = async (c: ChildProcess | undefined, signal: NodeJS.Signals) => {
      if (!c) return;
      ending = true;
      if (signal === 'SIGTERM') c.kill('SIGCONT');
      await endProcess(c, signal);
    };
    return {
      url,
      signal: (signal) => void (child && !exited(child) && child.kill(signal)),
      kill: () => end(child, 'SIGKILL'),
      stop: () => end(child, 'SIGTERM'),
      async start() {
        if (child && !exited(child)) return; // started already (a restart after a crash may race a planned one)
        let tail = '';
        const spawned = spawnServer({ ...common, PORT: String(port), PUBLIC_URL: url }, (chunk) => {
          tail = (tail + chunk.toString()).slice(-2000);
          hooks.output?.(index, chunk);
        });
        child = spawned.child;
        ending = false;
        await spawned.listening;
        spawned.child.once('exit', (code, signal) => {
          if (!ending)
            hooks.crashed?.(index, `exited with ${code ?? signal}: ${tail.trim().split('\n').slice(-8).join('\n')}`);
        });
      },
    };
  });
}

/** One counter or gauge value from an instance's /metrics; 0 when the series has not appeared yet. */
export async function metric(instance: Instance, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${instance.url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{([^}]*)\})? ([0-9.e+-]+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[3]);
  }
  return total;
}

export async function health(instance: Instance): Promise<{ status: string; [check: string]: string }> {
  return (await fetch(`${instance.url}/health`)).json() as Promise<{ status: string }>;
}
