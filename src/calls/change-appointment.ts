import { DateTime } from 'luxon';
import type { BookingService } from '../booking/booking-service.ts';
import { describeClaim } from '../booking/describe-claim.ts';
import type { Sql } from '../db/client.ts';
import { type UpcomingBooking, upcomingBookingsOf } from '../db/queries/booking-changes.ts';
import { withTenant } from '../db/tenant-scope.ts';
import { answer, refuse, type ToolAnswer } from '../domain/answer.ts';
import { spokenList, spokenSlot } from '../scheduling/spoken.ts';
import { clinicZone } from '../scheduling/zone.ts';
import type { TenantContext } from '../tenants/directory.ts';

/** Which of the caller's appointments, and for a reschedule the new time (plain JSON: part of the snapshot). */
export interface ChangeRequest {
  /** The caller's number from the telephony data: appointments are found only by it. */
  patientPhone: string;
  /** The local date (YYYY-MM-DD) of the appointment to change, when the caller has several. */
  day: string | null;
  newStart: number | null;
  serviceId: string | null;
  providerIds: string[] | null;
  preface: string;
}

/** cancel_appointment and reschedule_appointment for the caller's own upcoming appointments. */
export async function changeAppointment(
  deps: { sql: Sql; booking: BookingService; now: number },
  t: TenantContext,
  change: 'cancel' | 'reschedule',
  req: ChangeRequest,
  call: { vapiCallId: string; rowId: string },
): Promise<ToolAnswer> {
  const zone = t.tenant.timeZone;
  const label = (b: UpcomingBooking) => spokenSlot(b.startsAt.getTime(), zone, deps.now);
  const upcoming = await withTenant(deps.sql, t.tenant.id, (tx) =>
    upcomingBookingsOf(tx, t.tenant.id, req.patientPhone),
  );
  const matching = req.day
    ? upcoming.filter((b) => DateTime.fromJSDate(b.startsAt, { zone: clinicZone(zone) }).toISODate() === req.day)
    : upcoming;
  if (matching.length === 0) {
    return refuse(
      'no_appointment',
      req.day && upcoming.length
        ? `I don't see an appointment for this number on that day; you have ${spokenList(upcoming.map(label))}.`
        : "I don't see an upcoming appointment for the number you're calling from.",
    );
  }
  if (matching.length > 1) {
    return answer('which_appointment', `You have ${spokenList(matching.map(label))}; which one do you mean?`, {
      appointments: matching.map((b) => ({
        start: DateTime.fromJSDate(b.startsAt, { zone: clinicZone(zone) }).toISO({ suppressMilliseconds: true }),
        label: label(b),
      })),
    });
  }
  const old = matching[0]!;

  if (change === 'cancel') {
    const row = await deps.booking.cancel(t, old, req.patientPhone, call.rowId);
    if (row.outcome !== 'cancelled') return refuse('no_appointment', "That appointment can't be cancelled any more.");
    return answer('cancelled', `I've cancelled your appointment ${label(old)}.`, { appointment_id: old.bookingId });
  }

  const service = t.catalog.services.find((s) => s.id === (req.serviceId ?? old.serviceId));
  if (!service || req.newStart === null) return refuse('missing_time', 'What time would you like to move it to?');
  const providerIds = req.providerIds ?? [old.providerId, ...service.providerIds.filter((p) => p !== old.providerId)];
  const outcome = await deps.booking.reschedule(
    t,
    {
      oldBookingId: old.bookingId,
      patientPhone: req.patientPhone,
      service,
      providerIds,
      start: req.newStart,
      callId: call.vapiCallId,
      callRowId: call.rowId,
    },
    old,
  );
  if (outcome.kind === 'not_found') return refuse('no_appointment', "That appointment can't be changed any more.");
  return describeClaim(t, outcome, req.newStart, deps.now, req.preface, (b, slot) =>
    answer(
      'rescheduled',
      `${req.preface}Done: I've moved your appointment from ${label(old)} to ${slot.label} with ${slot.provider}.`,
      {
        appointment_id: b.bookingId,
        start: slot.start,
        provider: slot.provider,
      },
    ),
  );
}
