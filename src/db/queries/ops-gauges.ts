import type { Sql } from '../client.ts';

/** Deployment-wide figures for the operator's dashboard, read at scrape time across every clinic. */
export interface OpsGauges {
  outbox: { status: string; count: number }[];
  oldestPendingSeconds: number;
  activeCalls: number;
  activeHolds: number;
  leads24h: { hot: boolean; count: number }[];
  /** This process's pool: its connections by state (active, idle, idle in transaction), from pg_stat_activity. */
  pool: { state: string; count: number }[];
}

/**
 * One round trip. A call counts as active while it has no end-of-call report, is not ending, and moved in the last
 * two hours (a call whose report never came stops counting then). The pool is recognised by its application_name,
 * which connect() makes unique to this process and which the scraping connection itself carries.
 */
export async function readOpsGauges(sql: Sql): Promise<OpsGauges> {
  const [row] = await sql<OpsGauges[]>`
    select
      (select coalesce(json_agg(json_build_object('status', status, 'count', n)), '[]') from
         (select status, count(*)::int as n from sms_outbox where status in ('pending', 'sending', 'unknown') group by status) s) as outbox,
      (select coalesce(extract(epoch from now() - min(greatest(next_attempt_at, send_after))), 0)::float8 from sms_outbox
        where status = 'pending' and coalesce(send_after, '-infinity') <= now() and next_attempt_at <= now())
        as oldest_pending_seconds,
      (select count(*)::int from calls where report_received_at is null and updated_at > now() - interval '2 hours'
          and state not in ('ending', 'ended')) as active_calls,
      (select count(*)::int from bookings where status = 'held' and expires_at > now()) as active_holds,
      (select coalesce(json_agg(json_build_object('hot', hot, 'count', n)), '[]') from
         (select hot, count(*)::int as n from leads where created_at > now() - interval '24 hours' group by hot) l) as leads_24h,
      (select coalesce(json_agg(json_build_object('state', state, 'count', n)), '[]') from
         (select coalesce(state, 'unknown') as state, count(*)::int as n from pg_stat_activity
           where application_name = current_setting('application_name') group by 1) p) as pool`;
  return row!;
}
