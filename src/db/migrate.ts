import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Sql } from './client.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
export const FUNCTIONS_DIR = fileURLToPath(new URL('../../sql/functions/', import.meta.url));

// Any constant works; it only has to be the same for every instance that might migrate at once.
const MIGRATION_LOCK = 7_345_120_001;

async function sqlFiles(dir: string, pattern: RegExp): Promise<string[]> {
  return (await readdir(dir)).filter((f) => pattern.test(f)).sort();
}

/**
 * Applies every migrations/NNN_*.sql not yet recorded, in order, then every sql/functions/*.sql (`create or
 * replace`), all in one transaction. Migrations keep tables, types, constraints and policies; the functions' live
 * definitions are the files in sql/functions, applied on every start so a changed body needs no new migration.
 */
export async function migrate(sql: Sql, dir = MIGRATIONS_DIR, functionsDir = FUNCTIONS_DIR): Promise<string[]> {
  const files = await sqlFiles(dir, /^\d{3}_.+\.sql$/);
  const functions = await sqlFiles(functionsDir, /^[a-z_]+\.sql$/);
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`create table if not exists schema_migrations (
      version text primary key, applied_at timestamptz not null default now())`;
    const done = new Set(
      (await tx<{ version: string }[]>`select version from schema_migrations`).map((r) => r.version),
    );
    for (const file of files) {
      if (done.has(file)) continue;
      await tx.unsafe(await readFile(`${dir}/${file}`, 'utf8'));
      await tx`insert into schema_migrations (version) values (${file})`;
      applied.push(file);
    }
    for (const file of functions) await tx.unsafe(await readFile(`${functionsDir}/${file}`, 'utf8'));
  });
  return applied;
}
