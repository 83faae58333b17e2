import { readFile } from 'node:fs/promises';
import type { Sql } from '../../src/db/client.ts';
import { CLINIC, type PlannedSlot } from '../harness/bench-clinic.ts';

export async function loadNaiveSchema(sql: Sql, slots: PlannedSlot[]): Promise<void> {
  await sql.unsafe(await readFile(new URL('./schema.sql', import.meta.url), 'utf8'));
  await sql`
    insert into slots (provider, starts_at, ends_at)
    select p, s, s + make_interval(mins => ${CLINIC.minutes})
      from unnest(${slots.map((s) => s.provider)}::text[], ${slots.map((s) => s.start)}::timestamptz[]) as t(p, s)`;
}

/** Slots holding more than one booking: must be zero, as for Slotkeeper. */
export async function naiveDoubleBookings(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from (select slot_id from bookings group by slot_id having count(*) > 1) d`;
  return row!.n;
}
