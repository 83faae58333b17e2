import type postgres from 'postgres';
import type { Sql } from './client.ts';

declare const scopedToTenant: unique symbol;

/**
 * A transaction running as the tenant role with `app.tenant_id` set. Only `withTenant` makes one, and every query on
 * a clinic's own rows takes one (src/db/queries), so the compiler refuses tenant work handed the bare pool.
 */
export type TenantTx = postgres.TransactionSql & { readonly [scopedToTenant]: true };

/**
 * Runs `fn` in a transaction as the tenant role with `app.tenant_id` set (both local to the transaction, so they end
 * with it and never leak to the next user of the pooled connection). The row-level security of
 * migrations/007_rls.sql then holds every statement in it to that tenant's rows, whatever filter a query forgets.
 * Callers report changes (cache invalidation, dashboard) after this resolves, i.e. after the commit.
 */
export function withTenant<T>(sql: Sql, tenantId: string, fn: (tx: TenantTx) => Promise<T>): Promise<T> {
  return sql.begin(async (tx) => {
    // Sent now and not awaited alone: the connection runs it before `fn`'s first statement, which saves a round
    // trip; if it failed, the transaction is aborted and that statement fails too.
    const scoped = tx`select enter_tenant_scope(${tenantId})`.execute();
    const [, result] = await Promise.all([scoped, fn(tx as TenantTx)]);
    return result;
  }) as Promise<T>;
}
