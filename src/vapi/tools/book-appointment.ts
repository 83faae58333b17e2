import { DateTime } from 'luxon';
import { z } from 'zod';
import { answer } from '../answer.ts';
import { bookingArgs, resolveBookingRequest } from './booking-request.ts';
import { isAnswer } from './catalog-lookup.ts';
import { describeClaim } from './describe-claim.ts';
import { withDate } from './present.ts';
import { defineTool } from './tool.ts';
import { clinicZone } from '../../scheduling/zone.ts';

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
    const outcome = await ctx.booking.claim(ctx.tenant, {
      service,
      providerIds: req.providers.map((p) => p.id),
      start: req.start,
      status: 'confirmed',
      callId: ctx.callId,
      patient: { phone: req.phone, name: req.name, email: req.email },
    });
    const described = describeClaim(ctx.tenant, outcome, req.start, ctx.now, preface, (b, slot) =>
      answer('booked', `${preface}You're booked for ${service.name} with ${slot.provider} ${slot.label}.`, {
        appointment_id: b.bookingId,
        start: slot.start,
        end: DateTime.fromJSDate(b.endsAt, { zone: clinicZone(zone) }).toISO({ suppressMilliseconds: true }),
        provider: slot.provider,
        service: service.slug,
      }),
    );
    return withDate(described, req.date);
  },
});
