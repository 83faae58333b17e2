// A redis-server of the test's own on a free port, so a test may stop and start it without touching the shared one.
import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from '../../src/db/embedded.ts';

export interface PrivateRedis {
  url: string;
  running(): boolean;
  start(): Promise<void>;
  /** SIGKILL: no goodbye to the clients, as when the server or its network dies. */
  stop(): Promise<void>;
}

export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const self: PrivateRedis = {
    url: `redis://127.0.0.1:${port}`,
    running: () => child !== undefined,
    async start() {
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      const probe = new Redis(port, '127.0.0.1', {
        lazyConnect: true,
        retryStrategy: () => 50,
        maxRetriesPerRequest: null,
      });
      probe.on('error', () => {});
      await probe.ping();
      probe.disconnect();
    },
    async stop() {
      const dying = child!;
      child = undefined;
      await new Promise<void>((resolve) => {
        dying.once('exit', () => resolve());
        dying.kill('SIGKILL');
      });
    },
  };
  await self.start();
  return self;
}
