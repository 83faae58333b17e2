import { connect, type Sql } from '../src/db/client.ts';

export interface ScratchDatabase {
  name: string;
  url: string;
  sql: Sql;
  drop(): Promise<void>;
}

/**
 * A fresh database of this name on the server of `adminUrl` (an older one of the same name is dropped first), empty
 * or a copy of `template`, with a pool of `max` connections. The tests make theirs here too (tests/helpers/db.ts).
 */
export async function createDatabase(
  adminUrl: string,
  name: string,
  o: { template?: string; max?: number } = {},
): Promise<ScratchDatabase> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Not a plain database name: ${name}`);
  await withAdmin(adminUrl, async (admin) => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}"${o.template ? ` template "${o.template}"` : ''}`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const sql = connect(url.toString(), { max: o.max ?? 4 });
  return {
    name,
    url: url.toString(),
    sql,
    async drop() {
      await sql.end({ timeout: 5 });
      await withAdmin(adminUrl, (admin) => admin.unsafe(`drop database if exists "${name}" with (force)`));
    },
  };
}

async function withAdmin<T>(adminUrl: string, run: (admin: Sql) => Promise<T>): Promise<T> {
  const admin = connect(adminUrl, { max: 1 });
  try {
    return await run(admin);
  } finally {
    await admin.end();
  }
}
