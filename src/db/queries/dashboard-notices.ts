import type { Sql } from '../client.ts';

/**
 * Sends up to `limit` waiting dashboard notices on to every listening instance in one commit
 * (sql/functions/send_dashboard_notices.sql). Resolves to how many rows it took: `limit` means more may be waiting.
 */
export async function sendDashboardNotices(sql: Sql, limit: number): Promise<number> {
  const [row] = await sql<{ taken: number }[]>`select send_dashboard_notices(${limit}) as taken`;
  return row!.taken;
}
