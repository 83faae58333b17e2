import { z } from 'zod';
import { describeClaim } from '../../booking/describe-claim.ts';
import { type PresentedSlot, presentSlot } from '../../booking/present-slot.ts';
import { answer, type ToolAnswer, withDate } from '../../domain/answer.ts';
import { isoWithOffset } from '../../scheduling/zone.ts';
import { bookingArgs, reserveRequest, resolveBookingRequest } from './booking-request.ts';
import { callStep } from './call-step.ts';
import { isAnswer } from './catalog-lookup.ts';
import { defineTool } from './tool.ts';

export const bookAppointment = defineTool({
  name: 'book_appointment',
  description:
    'Book an appointment in one step, once the caller has agreed a time and given their name. ' +
    'Give start (ISO from check_availability) or date and time. Where the clinic needs a text-message code, this ' +
    'holds the time and texts the code (status code_sent): ask the caller to read it and pass it to verify_otp, ' +
    'which books it.',
  filler: 'One moment while I book that.',
  // A code step records its answer in the call's own lock transaction too; the runner's record then finds it there.
  replay: 'runner',
  args: z.object(bookingArgs),
  async run(args, ctx) {
    const { tenant } = ctx.tenant;
    const req = resolveBookingRequest(args, ctx);
    if (isAnswer(req)) return req;
    // The code check cannot be walked around: the same hold → code path as reserve_slot then send_otp, in one step.
    if (tenant.otpRequired)
      return callStep(ctx, () => ({ type: 'RESERVE', request: reserveRequest(req), then: 'send_code' }));
    const { service, preface } = req;
    const booked = (bookingId: string, slot: PresentedSlot, end: number) =>
      withDate(
        answer('booked', `${preface}You're booked for ${service.name} with ${slot.provider} ${slot.label}.`, {
          appointment_id: bookingId,
          start: slot.start,
          end: isoWithOffset(end, tenant.timeZone),
          provider: slot.provider,
          service: service.slug,
        }),
        req.date,
      );
    const end = req.start + service.durationMinutes * 60_000;
    const outcome = await ctx.booking.claimAnswered(
      ctx.tenant,
      {
        service,
        providerIds: req.providers.map((p) => p.id),
        start: req.start,
        status: 'confirmed',
        callId: ctx.callId,
        patient: { phone: req.phone, name: req.name, email: req.email },
      },
      {
        toolCallId: ctx.toolCallId,
        tool: ctx.tool,
        // What a booking created on this provider answers, recorded with the claim; its id is filled in there.
        answer: (providerId) =>
          booked('', presentSlot(ctx.tenant, { providerId, start: req.start, end }, ctx.now), end),
        idPath: ['body', 'appointment_id'],
      },
    );
    if (outcome.kind === 'replayed') return outcome.answer as ToolAnswer;
    if (outcome.kind === 'claimed' && outcome.recorded) return outcome.recorded as ToolAnswer;
    const described = describeClaim(ctx.tenant, outcome, req.start, ctx.now, preface, (b, slot) =>
      booked(b.bookingId, slot, b.endsAt.getTime()),
    );
    return withDate(described, req.date);
  },
});
