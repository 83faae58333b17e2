import type postgres from 'postgres';
import type { Sql } from './client.ts';

/**
 * Runs `fn` in a transaction that names its tenant (`app.tenant_id`, local to the transaction). The one place the
 * admin API does tenant work through, so row-level security can hold every statement in it to that tenant.
 */
export type TenantTx = postgres.TransactionSql;

export function withTenant<T>(sql: Sql, tenantId: string, fn: (tx: TenantTx) => Promise<T>): Promise<T> {
  return sql.begin(async (tx) => {
    await tx`select set_config('app.tenant_id', ${tenantId}, true)`;
    return fn(tx);
  }) as Promise<T>;
}
