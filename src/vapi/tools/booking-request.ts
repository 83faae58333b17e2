import { z } from 'zod';
import type { ReserveRequest } from '../../calls/call-effects.ts';
import { refuse, type ToolAnswer } from '../../domain/answer.ts';
import type { Provider, Service } from '../../domain/tenant.ts';
import { normaliseName } from '../../patients/names.ts';
import { toE164 } from '../../patients/phone.ts';
import { resolveStart, takenAs } from '../../scheduling/dates.ts';
import { optionalText } from './args.ts';
import { isAnswer, pickProviders, pickService } from './catalog-lookup.ts';
import { refuseWhen } from './present.ts';
import type { ToolContext } from './tool.ts';

/** The arguments of every tool that takes a time for a patient (book_appointment, reserve_slot). */
export const bookingArgs = {
  start: optionalText(100).describe('The slot start exactly as check_availability gave it (ISO with offset).'),
  date: optionalText(100).describe('Instead of start: the day as the caller said it.'),
  time: optionalText(50).describe('With date: the time, e.g. "3 PM".'),
  patient_name: z.string().trim().min(1).max(200).describe("The patient's full name."),
  patient_phone: optionalText(40).describe(
    "Only if the caller gives a different number than the one they're calling from.",
  ),
  patient_email: optionalText(254).describe('Optional email address.'),
  service: optionalText().describe('The service, e.g. "consultation".'),
  provider: optionalText().describe('The provider, if the caller asked for one.'),
};

/** The hold a booking request asks the call's machine for (reserve_slot, and book_appointment where a code is needed). */
export const reserveRequest = (req: BookingRequest): ReserveRequest => ({
  serviceId: req.service.id,
  providerIds: req.providers.map((p) => p.id),
  start: req.start,
  patientName: req.name,
  patientPhone: req.phone,
  patientEmail: req.email,
  preface: req.preface,
  day: req.date,
});

export interface BookingRequest {
  name: string;
  phone: string;
  email: string | null;
  start: number;
  /** The clinic-local day of `start`, which every answer carries. */
  date: string;
  service: Service;
  providers: Provider[];
  /** "I've taken that as Thursday, December 3. " when the day was corrected or chosen by a rule, else "". */
  preface: string;
}

type Args = { [K in keyof typeof bookingArgs]: z.infer<(typeof bookingArgs)[K]> };

/**
 * Checks and resolves who, when, what and with whom; a problem comes back as the refusal to speak. Unless the clinic
 * allows another number, the patient's phone is the caller's, whatever the model sent.
 */
export function resolveBookingRequest(args: Args, ctx: ToolContext): BookingRequest | ToolAnswer {
  const { tenant } = ctx.tenant;
  const name = normaliseName(args.patient_name);
  if (!name.ok) return refuse('invalid_name', name.say);
  const phoneSaid = (tenant.allowOtherPhone ? args.patient_phone : undefined) ?? ctx.callerNumber;
  if (!phoneSaid) {
    return refuse(
      'missing_phone',
      tenant.allowOtherPhone
        ? "I need a phone number for the booking; what's the best number to reach you?"
        : "I can only book for the number you're calling from, and I can't see it; please call us from your phone.",
    );
  }
  const phone = toE164(phoneSaid, tenant.country);
  if (!phone.ok) return refuse('invalid_phone', phone.say);
  if (args.patient_email && !z.email().safeParse(args.patient_email).success) {
    return refuse('invalid_email', "That email address doesn't look right; could you spell it again?");
  }
  const when = resolveStart(args, { now: ctx.now, timeZone: tenant.timeZone });
  if (!when.ok) return refuseWhen(when);
  const service = pickService(ctx.tenant, args.service);
  if (isAnswer(service)) return service;
  const providers = pickProviders(ctx.tenant, service, args.provider);
  if (isAnswer(providers)) return providers;
  return {
    name: name.name,
    phone: phone.e164,
    email: args.patient_email ?? null,
    start: when.start,
    date: when.localDate,
    service,
    providers,
    preface: takenAs(when, { now: ctx.now, timeZone: tenant.timeZone }),
  };
}
