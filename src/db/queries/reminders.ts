import type { TenantTx } from '../tenant-scope.ts';

/**
 * Queues an appointment's reminders as outbox rows the dispatcher sends not before `send_after`; addressed to the
 * booking's patient. Called in the transaction that confirms, books or moves the appointment, so the two commit
 * together; cancel_booking and reschedule_booking cancel them (sql/functions). Deduped per booking and instant.
 */
export async function queueReminders(tx: TenantTx, r: { tenantId: string; bookingId: string; body: string; times: number[] }): Promise<void> {
  if (r.times.length === 0) return;
  await tx`
    insert into sms_outbox (tenant_id, booking_id, kind, to_e164, body, dedupe_key, send_after)
    select b.tenant_id, b.id, 'reminder', p.phone_e164, ${r.body}, 'reminder:' || b.id || ':' || extract(epoch from t)::bigint, t
      from bookings b join patients p on p.id = b.patient_id,
           unnest(${r.times.map((t) => new Date(t).toISOString())}::timestamptz[]) t
     where b.id = ${r.bookingId} and b.tenant_id = ${r.tenantId} and b.status = 'confirmed'
    on conflict (tenant_id, dedupe_key) do nothing`;
}

export interface ReminderRow {
  id: string;
  sendAfter: Date;
  status: string;
}

/** An appointment's reminders, soonest first. */
export async function remindersOf(tx: TenantTx, tenantId: string, bookingId: string): Promise<ReminderRow[]> {
  return tx<ReminderRow[]>`
    select id, send_after, status from sms_outbox
     where tenant_id = ${tenantId} and booking_id = ${bookingId} and kind = 'reminder' order by send_after`;
}
