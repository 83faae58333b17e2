import type postgres from 'postgres';
import type { Sql } from './client.ts';

declare const scopedToTenant: unique symbol;

/**
 * A transaction running as the tenant role with `app.tenant_id` set. Only `withTenant` makes one, and every query on
 * a clinic's own rows takes one (src/db/queries), so the compiler refuses tenant work handed the bare pool.
 */
export type TenantTx = postgres.TransactionSql & { readonly [scopedToTenant]: true };

const SENT_WITH_COMMIT = Symbol('sent with the commit');

/** A transaction's last statement, already sent: withTenant sends the COMMIT behind it (withCommit). */
export interface LastStatement<T> {
  readonly [SENT_WITH_COMMIT]: Promise<T>;
}

/**
 * Marks `statement` as the transaction's last: return it from withTenant's `fn` and the COMMIT is written right behind
 * it instead of after its answer (one round trip fewer). withTenant then resolves to the statement's answer once the
 * COMMIT is in. Should the statement fail, PostgreSQL turns that COMMIT into a rollback and withTenant rejects with the
 * statement's error: the transaction commits whole or not at all, as with any other failing statement.
 */
export function withCommit<T>(statement: Promise<T>): LastStatement<T> {
  // Awaited only after the COMMIT: until then a failure must not count as unhandled.
  statement.catch(() => {});
  return { [SENT_WITH_COMMIT]: statement };
}

const isLastStatement = (x: unknown): x is LastStatement<unknown> =>
  typeof x === 'object' && x !== null && SENT_WITH_COMMIT in x;

/**
 * Runs `fn` in a transaction as the tenant role with `app.tenant_id` set (both local to the transaction, so they end
 * with it and never leak to the next user of the pooled connection). The row-level security of
 * migrations/007_rls.sql then holds every statement in it to that tenant's rows, whatever filter a query forgets.
 * Callers report changes (cache invalidation, dashboard) after this resolves, i.e. after the commit.
 */
export async function withTenant<T>(
  sql: Sql,
  tenantId: string,
  fn: (tx: TenantTx) => Promise<T | LastStatement<T>>,
): Promise<T> {
  let body: Promise<unknown> | undefined;
  let result: T | LastStatement<T>;
  try {
    result = (await sql.begin(async (tx): Promise<T | LastStatement<T>> => {
      // Sent now and not awaited alone: the connection runs it before `fn`'s first statement, which saves a round
      // trip; if it failed, the transaction is aborted and that statement fails too.
      const scoped = tx`select enter_tenant_scope(${tenantId})`.execute();
      body = fn(tx as TenantTx);
      const [, result] = await Promise.all([scoped, body]);
      // Not a thenable: postgres.js commits without waiting for the statement's answer.
      return result as T | LastStatement<T>;
    })) as T | LastStatement<T>;
  } catch (err) {
    // postgres.js rejects as soon as the connection is lost, while `fn` may still be awaiting something else (a pool
    // query, Redis). Returning then would let the caller's next step run beside a body that is still going; its
    // statements on the lost transaction fail at once (patches/postgres+3.4.9.patch), so it ends soon.
    await body?.catch(() => {});
    throw err;
  }
  return isLastStatement(result) ? (result[SENT_WITH_COMMIT] as Promise<T>) : (result as T);
}
