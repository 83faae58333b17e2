import { hostname } from 'node:os';
import postgres from 'postgres';

export type Sql = postgres.Sql;
/**
 * The pool or a transaction: what operator queries take (work across clinics, or before a clinic is known). A query
 * on one clinic's own rows takes a TenantTx instead (tenant-scope.ts).
 */
export type Queryable = postgres.ISql;

/** Unique per process (and per pool), within PostgreSQL's 63 characters. */
const applicationName = `slotkeeper ${hostname().slice(0, 30)} ${process.pid}`;

export function connect(
  url: string,
  options: {
    max?: number;
    debug?: (connection: number, query: string) => void;
    /** How long PostgreSQL lets a transaction sit idle before ending it; 60 s unless a test needs less. */
    idleInTransactionMs?: number;
  } = {},
): Sql {
  return postgres(url, {
    max: options.max ?? 20,
    // Tests count the statements a step sends (tests/integration/call-statements.test.ts).
    ...(options.debug ? { debug: options.debug } : {}),
    // snake_case columns arrive as camelCase properties. Not postgres.camel: it also rewrites the keys inside
    // json values, which would change the stored Vapi answers we replay.
    transform: { column: { from: postgres.toCamel, to: postgres.fromCamel } },
    // Migrations print NOTICEs ("extension already exists"); they are not worth a log line.
    onnotice: () => {},
    connection: {
      // Names this pool's connections in pg_stat_activity, so /metrics can count them (src/db/queries/ops-gauges.ts).
      application_name: applicationName,
      // A transaction nobody finishes would keep its locks, a call's among them, and every later step of that call
      // would wait on it for ever. No step sits idle this long (a step answers "still working" after 15 s); past it,
      // PostgreSQL ends the session and its locks go.
      idle_in_transaction_session_timeout: options.idleInTransactionMs ?? 60_000,
    },
  });
}
