import { z } from 'zod';
import { answer, refuse } from '../../domain/answer.ts';
import { toE164 } from '../../patients/phone.ts';
import { optionalText } from './args.ts';
import { callStep } from './call-step.ts';
import { defineTool } from './tool.ts';

export const sendOtp = defineTool({
  name: 'send_otp',
  description:
    'Text the caller a one-time code to confirm their phone number, after reserve_slot. Then ask them to read it ' +
    'and call verify_otp. Call again only if the code did not arrive.',
  replay: 'call',
  filler: 'Sending you a code now.',
  args: z.object({
    phone: optionalText(40).describe(
      "Only if the caller wants the code on another number than the one they're calling from.",
    ),
  }),
  async run(args, ctx) {
    const { tenant } = ctx.tenant;
    if (args.phone && !tenant.allowOtherPhone) {
      return refuse('other_phone_not_allowed', 'I can only text the number you are calling from.');
    }
    let other: string | undefined;
    if (args.phone) {
      const parsed = toE164(args.phone, tenant.country);
      if (!parsed.ok) return refuse('invalid_phone', parsed.say);
      other = parsed.e164;
    }
    const caller = ctx.callerNumber ? toE164(ctx.callerNumber, tenant.country) : undefined;
    const target = other ?? (caller?.ok ? caller.e164 : undefined);
    // STOP covers codes too: the caller hears why, and the call can go to a person (request_human).
    if (target && (await ctx.optOuts.optedOut(tenant.id, target))) {
      return answer(
        'sms_opted_out',
        "This number has opted out of our texts, so I can't send you a code. I can pass you to the front desk to finish the booking.",
      );
    }
    return callStep(ctx, (c) => {
      const phone = other ?? c.hold?.patientPhone ?? (caller?.ok ? caller.e164 : '');
      return { type: 'SEND_OTP', phone };
    });
  },
});
