import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Sql } from '../../src/db/client.ts';
import { SecretBox } from '../../src/security/secret-box.ts';

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** The real app on a real loopback port, so tests speak HTTP to it as Vapi would. */
export async function startServer(
  sql: Sql,
  options: {
    now?: () => number;
    env?: Record<string, string>;
    port?: number;
    logStream?: { write(line: string): void };
  } = {},
): Promise<RunningServer> {
  const config = loadConfig({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', ...options.env });
  const secrets = SecretBox.fromString(config.SECRETS_KEY ?? SecretBox.generateKey());
  const app = await buildApp({ config, sql, now: options.now, secrets, logStream: options.logStream });
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, app, close: () => app.close() };
}
