import { cpus, release, totalmem, type } from 'node:os';
import { connect } from '../../src/db/client.ts';
import { redisVersion } from '../../testkit/redis.ts';
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
