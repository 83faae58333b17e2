import type { Sql } from '../db/client.ts';
import type { SecretBox } from './secret-box.ts';

/** Every column holding a SecretBox-sealed value, by table (each table keyed by `id`). */
export const SEALED_COLUMNS: ReadonlyArray<{ table: string; column: string }> = [
  { table: 'tenants', column: 'vapi_secret_sealed' },
  { table: 'tenants', column: 'twilio_auth_token_sealed' },
];

/**
 * The second half of a SECRETS_KEY rotation: re-seals every value sealed under an older key with the current
 * (first) one, each row in its own short statement, so the old key can then be dropped. Returns how many changed.
 */
export async function resealSecrets(sql: Sql, box: SecretBox): Promise<number> {
  let changed = 0;
  for (const { table, column } of SEALED_COLUMNS) {
    const rows = await sql<{ id: string; sealed: string }[]>`
      select id, ${sql(column)} as sealed from ${sql(table)} where ${sql(column)} is not null`;
    for (const row of rows) {
      if (!box.isStale(row.sealed)) continue;
      const updated = await sql`update ${sql(table)} set ${sql(column)} = ${box.seal(box.open(row.sealed))}
                                 where id = ${row.id} and ${sql(column)} = ${row.sealed}`;
      changed += updated.count;
    }
  }
  return changed;
}
