import { z } from 'zod';
import { normaliseSpokenCode } from '../../otp/spoken-code.ts';
import { callStep } from './call-step.ts';
import { defineTool } from './tool.ts';

export const verifyOtp = defineTool({
  name: 'verify_otp',
  description:
    'Check the code the caller reads from the text message. Pass it as heard: "one two three four", "12 34" and ' +
    '"oh" for zero are fine. On success the held time is booked.',
  replay: 'call',
  filler: 'Let me check that code.',
  args: z.object({
    code: z
      .union([z.string().trim().min(1).max(100), z.number().int().nonnegative()])
      .describe('The code as the caller read it.'),
  }),
  async run(args, ctx) {
    const digits = normaliseSpokenCode(args.code, ctx.tenant.tenant.otpLength);
    // Only the digest reaches the machine: the code is in no snapshot, event or log.
    return callStep(ctx, (c) => ({ type: 'VERIFY', codeDigest: digits ? ctx.calls.digest(c, digits) : null }));
  },
});
