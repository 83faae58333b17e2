import type postgres from 'postgres';
import type { Sql } from './client.ts';

export type TenantTx = postgres.TransactionSql;

/**
 * Runs `fn` in a transaction as the tenant role with `app.tenant_id` set (both local to the transaction, in one
 * round trip), so the row-level security of migrations/007_rls.sql holds every statement in it to that tenant's
 * rows, whatever filter a query forgets. The one place tenant work goes through.
 */
export function withTenant<T>(sql: Sql, tenantId: string, fn: (tx: TenantTx) => Promise<T>): Promise<T> {
  return sql.begin(async (tx) => {
    await tx`select set_config('role', 'slotkeeper_tenant', true), set_config('app.tenant_id', ${tenantId}, true)`;
    return fn(tx);
  }) as Promise<T>;
}
