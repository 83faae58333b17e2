// Real server processes (src/main.ts, as an operator starts it) sharing one database and, optionally, one Redis.
import { spawn, type ChildProcess } from 'node:child_process';
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

export async function startInstances(n: number, env: { databaseUrl: string; redisUrl?: string; redisKeyPrefix?: string }): Promise<Instances> {
  const children: ChildProcess[] = [];
  const common: Record<string, string> = {
    DATABASE_URL: env.databaseUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    SEED_DEMO: 'false',
    SECRETS_KEY: SecretBox.generateKey(),
    DATA_DIR: mkdtempSync(join(tmpdir(), 'slotkeeper-instance-')),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    DB_POOL_SIZE: '10',
    ...(env.redisUrl ? { REDIS_URL: env.redisUrl, REDIS_KEY_PREFIX: env.redisKeyPrefix ?? 'slotkeeper-test:' } : {}),
  };
  const start = () =>
    new Promise<Instance>((resolve, reject) => {
      const { REDIS_URL: _ignored, ...inherited } = process.env;
      const child = spawn(process.execPath, [...(process.env.INSTANCE_NODE_FLAGS?.split(' ') ?? []), '--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: { ...inherited, ...common } });
      children.push(child);
      let out = '';
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const port = /listening on http:\/\/localhost:(\d+)/.exec(out)?.[1];
        if (port) resolve({ url: `http://127.0.0.1:${port}` });
      });
      child.on('exit', (code) => reject(new Error(`instance exited with ${code} before listening:\n${err}`)));
    });
  const list = await Promise.all(Array.from({ length: n }, start));
  return {
    list,
    async close() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.kill('SIGTERM');
            }),
        ),
      );
    },
  };
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
