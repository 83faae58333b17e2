import type { ChangeText } from '../../domain/booking.ts';
import type { Sql } from '../client.ts';
import type { TenantTx } from '../tenant-scope.ts';

/** What the booking-change functions of migrations/003_calls.sql and 004_sms_otp.sql return. */
export interface BookingChangeRow {
  outcome: 'released' | 'not_held' | 'cancelled' | 'not_found' | 'expired' | 'confirmed' | 'already';
  bookingId: string;
  providerId: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
  status: string | null;
}

export async function releaseHold(
  tx: TenantTx,
  tenantId: string,
  bookingId: string,
  holdToken: string,
): Promise<BookingChangeRow> {
  const [row] = await tx<BookingChangeRow[]>`select * from release_hold(${tenantId}, ${bookingId}, ${holdToken})`;
  return row!;
}

export interface ConfirmHoldRequest {
  tenantId: string;
  bookingId: string;
  holdToken: string;
  /** The calls row, so the confirmation message is traceable to the call. */
  callRowId: string | null;
  sms: { to: string; body: string } | null;
}

export async function confirmHold(tx: TenantTx, r: ConfirmHoldRequest): Promise<BookingChangeRow> {
  const [row] = await tx<BookingChangeRow[]>`
    select * from confirm_hold(${r.tenantId}, ${r.bookingId}, ${r.holdToken}, ${r.callRowId}, ${r.sms?.to ?? null}, ${r.sms?.body ?? null})`;
  return row!;
}

export async function cancelBooking(
  tx: TenantTx,
  tenantId: string,
  bookingId: string,
  patientPhone: string,
  text: ChangeText | null,
): Promise<BookingChangeRow> {
  const [row] = await tx<BookingChangeRow[]>`
    select * from cancel_booking(${tenantId}, ${bookingId}, ${patientPhone}, ${text?.callRowId ?? null}, ${text?.body ?? null})`;
  return row!;
}

export async function expireOverdueHolds(
  sql: Sql,
  limit: number,
): Promise<(BookingChangeRow & { tenantId: string })[]> {
  return sql<(BookingChangeRow & { tenantId: string })[]>`
    select e.*, b.tenant_id from expire_overdue_holds(${limit}) e join bookings b on b.id = e.booking_id`;
}

export interface UpcomingBooking {
  bookingId: string;
  providerId: string;
  serviceId: string;
  startsAt: Date;
  endsAt: Date;
}

/** The patient's confirmed appointments still to come, soonest first; the patient is known only by phone. */
export async function upcomingBookingsOf(tx: TenantTx, tenantId: string, phone: string): Promise<UpcomingBooking[]> {
  return tx<UpcomingBooking[]>`
    select b.id as booking_id, b.provider_id, b.service_id, b.starts_at, b.ends_at
      from bookings b join patients p on p.id = b.patient_id
     where b.tenant_id = ${tenantId} and p.phone_e164 = ${phone} and b.status = 'confirmed' and b.starts_at > now()
     order by b.starts_at limit 10`;
}
