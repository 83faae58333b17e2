import { z } from 'zod';
import { answer, type ToolAnswer } from '../answer.ts';
import { bookingArgs, resolveBookingRequest } from './booking-request.ts';
import { isAnswer } from './catalog-lookup.ts';
import { describeClaim } from './describe-claim.ts';
import { type PresentedSlot, presentSlot, withDate } from './present.ts';
import { defineTool } from './tool.ts';
import { isoWithOffset } from '../../scheduling/zone.ts';

export const bookAppointment = defineTool({
  name: 'book_appointment',
  description:
    'Book an appointment in one step, once the caller has agreed a time and given their name. ' +
    'Give start (ISO from check_availability) or date and time.',
  filler: 'One moment while I book that.',
  replay: 'runner',
  args: z.object(bookingArgs),
  async run(args, ctx) {
    const zone = ctx.tenant.tenant.timeZone;
    const req = resolveBookingRequest(args, ctx, { phoneFromModel: true });
    if (isAnswer(req)) return req;
    const { service, preface } = req;
    const booked = (bookingId: string, slot: PresentedSlot, end: number) =>
      withDate(
        answer('booked', `${preface}You're booked for ${service.name} with ${slot.provider} ${slot.label}.`, {
          appointment_id: bookingId,
          start: slot.start,
          end: isoWithOffset(end, zone),
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
        answer: (providerId) => booked('', presentSlot(ctx.tenant, { providerId, start: req.start, end }, ctx.now), end),
        idPath: ['body', 'appointment_id'],
      },
    );
    if (outcome.kind === 'replayed') return outcome.answer as ToolAnswer;
    if (outcome.kind === 'claimed' && outcome.recorded) return outcome.recorded as ToolAnswer;
    const described = describeClaim(ctx.tenant, outcome, req.start, ctx.now, preface, (b, slot) => booked(b.bookingId, slot, b.endsAt.getTime()));
    return withDate(described, req.date);
  },
});
