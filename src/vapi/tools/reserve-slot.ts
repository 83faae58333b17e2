import { z } from 'zod';
import { bookingArgs, reserveRequest, resolveBookingRequest } from './booking-request.ts';
import { callStep } from './call-step.ts';
import { isAnswer } from './catalog-lookup.ts';
import { defineTool } from './tool.ts';

export const reserveSlot = defineTool({
  name: 'reserve_slot',
  description:
    'Hold a time for the caller while their phone number is verified (then call send_otp), or before confirm_booking ' +
    'where no code is needed. Give start (ISO from check_availability) or date and time, and the caller’s name. ' +
    'A second reserve_slot replaces the earlier hold.',
  replay: 'call',
  filler: 'Let me hold that time for you.',
  args: z.object(bookingArgs),
  async run(args, ctx) {
    const req = resolveBookingRequest(args, ctx);
    if (isAnswer(req)) return req;
    return callStep(ctx, () => ({ type: 'RESERVE', request: reserveRequest(req) }));
  },
});
