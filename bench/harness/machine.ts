import { cpus, release, totalmem, type } from 'node:os';
import { Redis } from 'ioredis';
import { connect } from '../../src/db/client.ts';
import type { BenchResults } from './results.ts';

export async function describeMachine(
  databaseUrl: string,
  redisUrl: string | undefined,
): Promise<BenchResults['machine']> {
  const sql = connect(databaseUrl, { max: 1 });
  const [pg] = await sql<{ serverVersion: string }[]>`show server_version`;
  await sql.end();
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.versions.node,
    postgres: pg!.serverVersion,
    redis: redisUrl ? await redisVersion(redisUrl) : null,
  };
}

/** The Redis version, or null when none answers (the server then runs without Redis). */
export async function redisVersion(url: string): Promise<string | null> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
  } catch {
    return null;
  } finally {
    redis.disconnect();
  }
}
