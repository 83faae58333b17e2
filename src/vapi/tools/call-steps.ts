import { z } from 'zod';
import { callStep } from './call-step.ts';
import { defineTool } from './tool.ts';

// The steps that take no arguments of their own.

export const confirmBooking = defineTool({
  name: 'confirm_booking',
  description: 'Confirm the held time where the clinic needs no text-message code (reserve_slot says which).',
  replay: 'call',
  args: z.object({}),
  run: (_, ctx) => callStep(ctx, () => ({ type: 'CONFIRM' })),
});

export const sendConfirmation = defineTool({
  name: 'send_confirmation',
  description: 'Text the booking confirmation again, if the caller did not get it.',
  replay: 'call',
  args: z.object({}),
  run: (_, ctx) => callStep(ctx, () => ({ type: 'SEND_CONFIRMATION' })),
});

export const requestHuman = defineTool({
  name: 'request_human',
  description:
    'The caller wants a person, or something cannot be solved here: releases any hold and flags the call for staff to call back.',
  replay: 'call',
  args: z.object({}),
  run: (_, ctx) => callStep(ctx, () => ({ type: 'ESCALATE' })),
});
