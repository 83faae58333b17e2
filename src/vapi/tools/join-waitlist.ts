import { DateTime } from 'luxon';
import { z } from 'zod';
import { answer, refuse } from '../../domain/answer.ts';
import { toE164 } from '../../patients/phone.ts';
import { resolveDay } from '../../scheduling/dates.ts';
import { spokenDate } from '../../scheduling/spoken.ts';
import { clinicZone } from '../../scheduling/zone.ts';
import { optionalText, TimeOfDay } from './args.ts';
import { isAnswer, pickProviders, pickService } from './catalog-lookup.ts';
import { defineTool } from './tool.ts';

/** How far a waitlist entry reaches when the caller gives no end. */
const DEFAULT_SPAN_DAYS = 14;

export const joinWaitlist = defineTool({
  name: 'join_waitlist',
  description:
    'Put the caller on the waitlist when none of the offered times suits them. When a matching time frees up they get ' +
    'a text and can book it by replying YES. Pass the service, the provider if they asked for one, the days as they ' +
    'said them ("this week", "from Monday", "until the 20th") and the time of day.',
  filler: 'Let me put you on the waitlist.',
  replay: 'runner',
  args: z.object({
    service: optionalText().describe('The service, e.g. "consultation"; leave out for the default.'),
    provider: optionalText().describe('The provider the caller asked for, if any.'),
    from_date: optionalText(100).describe(
      'The first day that suits, as the caller said it ("tomorrow", "Monday"); leave out for today.',
    ),
    to_date: optionalText(100).describe('The last day that suits, as the caller said it; leave out for two weeks on.'),
    time_of_day: TimeOfDay.describe('Only mornings, afternoons or evenings, if the caller said so.'),
    patient_name: optionalText(200).describe("The caller's full name, if they gave it."),
  }),
  async run(args, ctx) {
    const { tenant } = ctx.tenant;
    const zone = tenant.timeZone;
    const caller = ctx.callerNumber ? toE164(ctx.callerNumber, tenant.country) : undefined;
    if (!caller?.ok)
      return answer(
        'no_caller_number',
        "I can't add you to the waitlist without the number you're calling from; let me take a message instead.",
      );
    if (await ctx.optOuts.optedOut(tenant.id, caller.e164)) {
      return answer(
        'sms_opted_out',
        "This number has opted out of our texts, so I couldn't text you when a time frees up. Reply START to our texts to get them again, or I can pass you to the front desk.",
      );
    }
    const service = pickService(ctx.tenant, args.service);
    if (isAnswer(service)) return service;
    const providers = pickProviders(ctx.tenant, service, args.provider);
    if (isAnswer(providers)) return providers;

    const dates = { now: ctx.now, timeZone: zone };
    const today = DateTime.fromMillis(ctx.now, { zone: clinicZone(zone) }).toISODate()!;
    const from = args.from_date ? resolveDay(args.from_date, dates) : ({ ok: true, date: today } as const);
    if (!from.ok) return refuse(from.reason, from.say);
    const to = args.to_date
      ? resolveDay(args.to_date, dates)
      : ({
          ok: true,
          date: DateTime.fromISO(from.date, { zone: clinicZone(zone) })
            .plus({ days: DEFAULT_SPAN_DAYS })
            .toISODate()!,
        } as const);
    if (!to.ok) return refuse(to.reason, to.say);
    if (to.date < from.date)
      return refuse('invalid_range', 'The last day is before the first one; which days suit you?');
    const timeOfDay = args.time_of_day ?? ('timeOfDay' in from ? from.timeOfDay : undefined) ?? null;
    const provider = providers.length === 1 && args.provider ? providers[0]! : null;

    const entry = await ctx.waitlist.join(ctx.tenant, {
      phone: caller.e164,
      patientName: args.patient_name ?? null,
      serviceId: service.id,
      providerId: provider?.id ?? null,
      fromDate: from.date,
      toDate: to.date,
      timeOfDay,
      source: 'call',
      vapiCallId: ctx.callId,
    });
    const span = `between ${spokenDate(from.date, zone, ctx.now)} and ${spokenDate(to.date, zone, ctx.now)}`;
    const who = provider ? ` with ${provider.name}` : '';
    const when = timeOfDay ? ` in the ${timeOfDay}` : '';
    return answer(
      'waitlisted',
      `You're on the waitlist for ${service.name}${who} ${span}${when}; if a time opens up we'll text you, and you can book it by replying YES.`,
      {
        waitlist_id: entry.id,
        service: service.slug,
        from_date: from.date,
        to_date: to.date,
        ...(timeOfDay ? { time_of_day: timeOfDay } : {}),
      },
    );
  },
});
