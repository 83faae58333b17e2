import { z } from 'zod';
import type { ChangeRequest } from '../../calls/change-appointment.ts';
import { refuse, type ToolAnswer, withDate } from '../../domain/answer.ts';
import { toE164 } from '../../patients/phone.ts';
import { resolveDay, resolveStart, takenAs } from '../../scheduling/dates.ts';
import { optionalText } from './args.ts';
import { bookingArgs } from './booking-request.ts';
import { callStep } from './call-step.ts';
import { isAnswer, pickProviders, pickService } from './catalog-lookup.ts';
import { refuseWhen } from './present.ts';
import { defineTool, type ToolContext } from './tool.ts';

/** The caller's own appointments are found by the number they call from, never by a number the model says. */
function changeRequest(
  ctx: ToolContext,
  appointmentDate: string | undefined,
): Omit<ChangeRequest, 'newStart' | 'serviceId' | 'providerIds' | 'preface'> | ToolAnswer {
  const { tenant } = ctx.tenant;
  const caller = ctx.callerNumber ? toE164(ctx.callerNumber, tenant.country) : undefined;
  if (!caller?.ok)
    return refuse(
      'missing_phone',
      "I can only find appointments by the number you're calling from, and I can't see it.",
    );
  let day: string | null = null;
  if (appointmentDate) {
    const resolved = resolveDay(appointmentDate, { now: ctx.now, timeZone: tenant.timeZone });
    if (!resolved.ok) return refuseWhen(resolved);
    day = resolved.date;
  }
  return { patientPhone: caller.e164, day };
}

export const cancelAppointment = defineTool({
  name: 'cancel_appointment',
  description:
    "Cancel one of the caller's upcoming appointments (found by the number they call from). Give appointment_date " +
    'when they have more than one.',
  replay: 'call',
  args: z.object({
    appointment_date: optionalText(100).describe(
      'The day of the appointment to cancel, when the caller has more than one.',
    ),
  }),
  async run(args, ctx) {
    const base = changeRequest(ctx, args.appointment_date);
    if (isAnswer(base)) return base;
    const request: ChangeRequest = { ...base, newStart: null, serviceId: null, providerIds: null, preface: '' };
    return withDate(await callStep(ctx, () => ({ type: 'CHANGE_APPOINTMENT', change: 'cancel', request })), base.day);
  },
});

export const rescheduleAppointment = defineTool({
  name: 'reschedule_appointment',
  description:
    "Move one of the caller's upcoming appointments to a new time: start (ISO) or date and time. The new time is " +
    'taken before the old one is let go. Give appointment_date when they have more than one.',
  replay: 'call',
  args: z.object({
    appointment_date: optionalText(100).describe(
      'The day of the appointment to move, when the caller has more than one.',
    ),
    start: bookingArgs.start,
    date: bookingArgs.date,
    time: bookingArgs.time,
    service: bookingArgs.service,
    provider: bookingArgs.provider,
  }),
  async run(args, ctx) {
    const base = changeRequest(ctx, args.appointment_date);
    if (isAnswer(base)) return base;
    const zone = ctx.tenant.tenant.timeZone;
    const when = resolveStart(args, { now: ctx.now, timeZone: zone });
    if (!when.ok) return refuseWhen(when);
    // Unsaid, the service stays the appointment's own; a named provider is looked up among the service's.
    const service = pickService(ctx.tenant, args.service);
    if (isAnswer(service)) return service;
    const providers = args.provider ? pickProviders(ctx.tenant, service, args.provider) : null;
    if (isAnswer(providers)) return providers;
    const request: ChangeRequest = {
      ...base,
      newStart: when.start,
      serviceId: args.service ? service.id : null,
      providerIds: providers?.map((p) => p.id) ?? null,
      preface: takenAs(when, { now: ctx.now, timeZone: zone }),
    };
    return withDate(
      await callStep(ctx, () => ({ type: 'CHANGE_APPOINTMENT', change: 'reschedule', request })),
      when.localDate,
    );
  },
});
