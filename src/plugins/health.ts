import type { FastifyInstance } from 'fastify';
import type { Sql } from '../db/client.ts';

type Check = () => Promise<void>;

export interface HealthOptions {
  sql: Sql;
  /** Named extra checks (Redis, …); absent ones are reported as not configured by their owners. */
  checks?: Record<string, Check>;
}

const within = (ms: number, check: Check) =>
  Promise.race([
    check(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);

export async function healthRoutes(app: FastifyInstance, opts: HealthOptions): Promise<void> {
  const checks: Record<string, Check> = {
    database: async () => {
      await opts.sql`select 1`;
    },
    ...opts.checks,
  };
  app.get('/health', async (_request, reply) => {
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await within(1000, check);
          return [name, 'up'] as const;
        } catch {
          return [name, 'down'] as const;
        }
      }),
    );
    const report = Object.fromEntries(entries);
    // The database is required; anything else down only degrades the service.
    const status = report.database === 'down' ? 'down' : entries.some(([, s]) => s === 'down') ? 'degraded' : 'ok';
    return reply.code(status === 'down' ? 503 : 200).send({ status, ...report });
  });
}
