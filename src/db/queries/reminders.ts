import type { TenantTx } from '../tenant-scope.ts';

/** Queues an appointment's reminders in this transaction (sql/functions/queue_reminders.sql). */
export async function queueReminders(
  tx: TenantTx,
  r: { tenantId: string; bookingId: string; body: string; times: number[] },
): Promise<void> {
  if (r.times.length === 0) return;
  await tx`select queue_reminders(${r.tenantId}, ${r.bookingId}, ${r.body}, ${r.times.map((t) => new Date(t).toISOString())}::timestamptz[])`;
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
