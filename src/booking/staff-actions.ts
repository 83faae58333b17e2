import type { Sql } from '../db/client.ts';
import { type AppointmentRow, findAppointment } from '../db/queries/appointments.ts';
import { withTenant } from '../db/tenant-scope.ts';
import type { Service } from '../domain/tenant.ts';
import { normaliseName } from '../patients/names.ts';
import { toE164 } from '../patients/phone.ts';
import type { TenantContext } from '../tenants/directory.ts';
import type { BookingService, ClaimAnswer, RefusalReason } from './booking-service.ts';

/**
 * What staff do by hand — book, move, cancel — through the same BookingService claim path as the phone, for every
 * screen staff use (the admin API and the dashboard). Each answer is either the appointment as it is afterwards, or a
 * refusal with one sentence and the status an HTTP edge gives it; a claim that did not happen keeps its alternatives.
 */
export type StaffAnswer =
  | { kind: 'done'; appointment: AppointmentRow }
  | { kind: 'refused'; status: 400 | 404 | 409; say: string }
  | { kind: 'not_claimed'; outcome: Exclude<ClaimAnswer, { kind: 'claimed' }> };

export interface StaffDeps {
  sql: Sql;
  booking: BookingService;
}

export interface StaffBooking {
  serviceId: string;
  providerId?: string;
  start: number;
  patient: { name: string; phone: string; email?: string | null };
}

const refused = (status: 400 | 404 | 409, say: string): StaffAnswer => ({ kind: 'refused', status, say });
const find = (deps: StaffDeps, tenantId: string, id: string) =>
  withTenant(deps.sql, tenantId, (tx) => findAppointment(tx, tenantId, id));

/** The providers to try: the one asked for (refused if not this clinic's or not offering it), else all who offer it. */
function providersFor(ctx: TenantContext, service: Service, providerId: string | undefined): string[] | StaffAnswer {
  if (!providerId) return service.providerIds;
  if (!ctx.catalog.providers.some((p) => p.id === providerId)) return refused(404, 'The provider was not found.');
  if (!service.providerIds.includes(providerId)) return refused(409, `That provider does not offer ${service.name}.`);
  return [providerId];
}

export async function staffBook(deps: StaffDeps, ctx: TenantContext, b: StaffBooking): Promise<StaffAnswer> {
  const service = ctx.catalog.services.find((s) => s.id === b.serviceId);
  if (!service) return refused(404, 'The service was not found.');
  const providerIds = providersFor(ctx, service, b.providerId);
  if (!Array.isArray(providerIds)) return providerIds;
  const name = normaliseName(b.patient.name);
  if (!name.ok) return refused(400, name.say);
  const phone = toE164(b.patient.phone, ctx.tenant.country);
  if (!phone.ok) return refused(400, phone.say);
  const outcome = await deps.booking.claim(ctx, {
    service,
    providerIds,
    start: b.start,
    status: 'confirmed',
    callId: null,
    patient: { phone: phone.e164, name: name.name, email: b.patient.email ?? null },
  });
  if (outcome.kind !== 'claimed') return { kind: 'not_claimed', outcome };
  return { kind: 'done', appointment: (await find(deps, ctx.tenant.id, outcome.booking.bookingId))! };
}

/** Cancels an upcoming appointment (the patient is texted) or releases a hold; the time is free again at once. */
export async function staffCancel(deps: StaffDeps, ctx: TenantContext, id: string): Promise<StaffAnswer> {
  const tid = ctx.tenant.id;
  const a = await find(deps, tid, id);
  if (!a) return refused(404, 'The appointment was not found.');
  // The same functions the phone uses, so caches hear of the change; staff may cancel for any patient.
  const change =
    a.status === 'held'
      ? await deps.booking.releaseHold(tid, a.id, a.holdToken)
      : a.status === 'confirmed' && a.patientPhone
        ? await deps.booking.cancel(
            ctx,
            { bookingId: a.id, serviceId: a.serviceId, providerId: a.providerId, startsAt: a.startsAt },
            a.patientPhone,
            null,
          )
        : undefined;
  if (!change || !['cancelled', 'released'].includes(change.outcome)) {
    return refused(
      409,
      `Only an upcoming held or confirmed appointment can be cancelled; this one is ${a.status}${a.status === 'confirmed' ? ' and has started' : ''}.`,
    );
  }
  return { kind: 'done', appointment: (await find(deps, tid, a.id))! };
}

/** Moves an upcoming appointment: the new time is claimed before the old one is let go; the patient is texted. */
export async function staffMove(
  deps: StaffDeps,
  ctx: TenantContext,
  id: string,
  to: { start: number; providerId?: string },
): Promise<StaffAnswer> {
  const tid = ctx.tenant.id;
  const old = await find(deps, tid, id);
  if (!old) return refused(404, 'The appointment was not found.');
  const service = ctx.catalog.services.find((s) => s.id === old.serviceId);
  if (old.status !== 'confirmed' || !old.patientPhone || !service) {
    return refused(409, `Only an upcoming confirmed appointment can be moved; this one is ${old.status}.`);
  }
  const providerIds = providersFor(ctx, service, to.providerId);
  if (!Array.isArray(providerIds)) return providerIds;
  const outcome = await deps.booking.reschedule(
    ctx,
    {
      oldBookingId: old.id,
      patientPhone: old.patientPhone,
      service,
      providerIds,
      start: to.start,
      callId: null,
      callRowId: null,
    },
    { providerId: old.providerId, startsAt: old.startsAt, endsAt: old.endsAt },
  );
  if (outcome.kind === 'not_found')
    return refused(409, 'The appointment changed meanwhile (cancelled, moved or started); nothing was moved.');
  if (outcome.kind !== 'claimed') return { kind: 'not_claimed', outcome };
  return { kind: 'done', appointment: (await find(deps, tid, outcome.booking.bookingId))! };
}

/** Why a time cannot be booked at all, as staff read it. */
export const REFUSALS: Record<RefusalReason, string> = {
  past: 'That time has already passed.',
  too_soon: 'That is sooner than the clinic’s minimum notice.',
  too_far: 'That is further ahead than the clinic books.',
  closed: 'Nobody offering this service works at that time.',
};
