import { DateTime } from 'luxon';
import { z } from 'zod';
import type { ClaimAnswer, RefusalReason } from '../../booking/booking-service.ts';
import { resolveStart } from '../../scheduling/dates.ts';
import { normaliseName } from '../../scheduling/names.ts';
import { toE164 } from '../../scheduling/phone.ts';
import { spokenDate, spokenSlot } from '../../scheduling/spoken.ts';
import type { TenantContext } from '../../tenants/directory.ts';
import { answer, refuse, type ToolAnswer } from '../answer.ts';
import { optionalText } from './args.ts';
import { isAnswer, pickProviders, pickService } from './catalog-lookup.ts';
import { type PresentedSlot, presentSlot, spokenSlots } from './present.ts';
import { defineTool } from './tool.ts';

export const bookAppointment = defineTool({
  name: 'book_appointment',
  description:
    'Book an appointment in one step, once the caller has agreed a time and given their name. ' +
    'Give start (ISO from check_availability) or date and time.',
  filler: 'One moment while I book that.',
  mutates: true,
  args: z.object({
    start: optionalText(100).describe('The slot start exactly as check_availability gave it (ISO with offset).'),
    date: optionalText(100).describe('Instead of start: the day as the caller said it.'),
    time: optionalText(50).describe('With date: the time, e.g. "3 PM".'),
    patient_name: z.string().trim().min(1).max(200).describe("The patient's full name."),
    patient_phone: optionalText(40).describe("Only if the caller gives a different number than the one they're calling from."),
    patient_email: optionalText(254).describe('Optional email address.'),
    service: optionalText().describe('The service, e.g. "consultation".'),
    provider: optionalText().describe('The provider, if the caller asked for one.'),
  }),
  async run(args, ctx) {
    const { tenant } = ctx.tenant;
    const zone = tenant.timeZone;

    const name = normaliseName(args.patient_name);
    if (!name.ok) return refuse('invalid_name', name.say);
    const phoneSaid = args.patient_phone ?? ctx.callerNumber;
    if (!phoneSaid) {
      return refuse('missing_phone', "I need a phone number for the booking; what's the best number to reach you?");
    }
    const phone = toE164(phoneSaid, tenant.country);
    if (!phone.ok) return refuse('invalid_phone', phone.say);
    if (args.patient_email && !z.email().safeParse(args.patient_email).success) {
      return refuse('invalid_email', "That email address doesn't look right; could you spell it again?");
    }
    const when = resolveStart(args, { now: ctx.now, timeZone: zone });
    if (!when.ok) return refuse(when.reason, when.say);
    const service = pickService(ctx.tenant, args.service);
    if (isAnswer(service)) return service;
    const providers = pickProviders(ctx.tenant, service, args.provider);
    if (isAnswer(providers)) return providers;

    const outcome = await ctx.booking.claim(ctx.tenant, {
      service,
      providerIds: providers.map((p) => p.id),
      start: when.start,
      status: 'confirmed',
      callId: ctx.callId,
      patient: { phone: phone.e164, name: name.name, email: args.patient_email ?? null },
    });
    const preface = when.corrected ? `I've taken that as ${spokenDate(when.corrected.to, zone, ctx.now)}. ` : '';
    return describeClaim(ctx.tenant, outcome, when.start, ctx.now, preface, (b, slot) =>
      answer('booked', `${preface}You're booked for ${service.name} with ${slot.provider} ${slot.label}.`, {
        appointment_id: b.bookingId,
        start: slot.start,
        end: DateTime.fromJSDate(b.endsAt, { zone }).toISO({ suppressMilliseconds: true }),
        provider: slot.provider,
        service: service.slug,
      }),
    );
  },
});

/** The answer for a claim that did not succeed is the same for a booking and a hold; only success differs. */
export function describeClaim(
  ctx: TenantContext,
  outcome: ClaimAnswer,
  requested: number,
  now: number,
  preface: string,
  onClaimed: (booking: Extract<ClaimAnswer, { kind: 'claimed' }>['booking'], slot: PresentedSlot) => ToolAnswer,
): ToolAnswer {
  if (outcome.kind === 'claimed') {
    const b = outcome.booking;
    return onClaimed(b, presentSlot(ctx, { providerId: b.providerId, start: b.startsAt.getTime(), end: b.endsAt.getTime() }, now));
  }
  const alternatives = outcome.alternatives.map((s) => presentSlot(ctx, s, now));
  const offer = alternatives.length ? ` I have ${spokenSlots(alternatives)}.` : " I don't see anything free in the next two weeks.";
  const asked = spokenSlot(requested, ctx.tenant.timeZone, now);
  if (outcome.kind === 'unavailable') {
    return answer('unavailable', `${preface}Sorry, ${asked} is already taken.${offer}`, { alternatives });
  }
  return refuse(outcome.reason, `${preface}${refusalSentence(ctx, outcome.reason, asked)}${offer}`, { alternatives });
}

function refusalSentence(ctx: TenantContext, reason: RefusalReason, asked: string): string {
  const { tenant } = ctx;
  switch (reason) {
    case 'closed':
      return `We're not open ${asked}.`;
    case 'past':
      return `${capitalise(asked)} has already passed.`;
    case 'too_soon':
      return `${capitalise(asked)} is too soon; we need at least ${noticeWords(tenant.minNoticeMinutes)} notice.`;
    case 'too_far':
      return `We only book up to ${tenant.horizonDays} days ahead.`;
  }
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function noticeWords(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? "a day's" : `${minutes / 1440} days'`;
  if (minutes % 60 === 0) return minutes === 60 ? "an hour's" : `${minutes / 60} hours'`;
  return `${minutes} minutes'`;
}
