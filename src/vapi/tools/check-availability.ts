import { z } from 'zod';
import { presentSlot, spokenSlots } from '../../booking/present-slot.ts';
import { answer } from '../../domain/answer.ts';
import { distinctStarts, filterTimeOfDay, pickSpread } from '../../scheduling/availability.ts';
import { dayBounds } from '../../scheduling/clinic-day.ts';
import { resolveDay, takenAs } from '../../scheduling/dates.ts';
import { spokenDate } from '../../scheduling/spoken.ts';
import type { Slot } from '../../scheduling/types.ts';
import { optionalText, TimeOfDay } from './args.ts';
import { isAnswer, pickProviders, pickService } from './catalog-lookup.ts';
import { refuseWhen } from './present.ts';
import { defineTool } from './tool.ts';

const OFFERED = 3;

export const checkAvailability = defineTool({
  name: 'check_availability',
  description:
    'Find free appointment times. Call when the caller wants an appointment or asks what is free. ' +
    'Optionally narrow by date (e.g. "tomorrow", "next Tuesday", "2026-12-03"), service, provider and time of day.',
  filler: 'Let me check the schedule.',
  replay: 'none',
  args: z.object({
    date: optionalText(100).describe('The day the caller wants, as they said it ("tomorrow", "next Tuesday") or ISO.'),
    service: optionalText().describe('The service, e.g. "consultation"; leave out for the default.'),
    provider: optionalText().describe('The provider the caller asked for, if any.'),
    time_of_day: TimeOfDay.describe('Narrow to morning, afternoon or evening.'),
  }),
  async run(args, ctx) {
    const { tenant } = ctx.tenant;
    const zone = tenant.timeZone;
    const service = pickService(ctx.tenant, args.service);
    if (isAnswer(service)) return service;
    const providers = pickProviders(ctx.tenant, service, args.provider);
    if (isAnswer(providers)) return providers;
    const providerIds = providers.map((p) => p.id);

    let timeOfDay = args.time_of_day;
    let preface = '';
    let day: { date: string; from: number; to: number } | undefined;
    if (args.date) {
      const resolved = resolveDay(args.date, { now: ctx.now, timeZone: zone });
      if (!resolved.ok) return refuseWhen(resolved);
      timeOfDay ??= resolved.timeOfDay;
      preface = takenAs(resolved, { now: ctx.now, timeZone: zone });
      const { start, end } = dayBounds(resolved.date, zone);
      day = { date: resolved.date, from: start, to: end };
    }

    const asked = day ? { date: day.date } : {};
    const keep = (slots: Slot[]) => filterTimeOfDay(slots, timeOfDay, zone);
    const present = (slots: Slot[]) => slots.map((s) => presentSlot(ctx.tenant, s, ctx.now));
    // A named day is searched alone; otherwise from now, a day at a time, until there is enough to offer.
    const slots = day
      ? await ctx.booking.findSlots(ctx.tenant, { service, providerIds, from: day.from, to: day.to, keep })
      : await ctx.booking.slotsFrom(ctx.tenant, { service, providerIds, from: ctx.now, enough: OFFERED, keep });
    if (slots.length > 0) {
      const offered = present(pickSpread(slots, OFFERED));
      return answer('ok', `${preface}I have ${spokenSlots(offered)}.`, {
        service: service.slug,
        ...asked,
        slots: offered,
      });
    }

    const later = day
      ? await ctx.booking.slotsFrom(ctx.tenant, { service, providerIds, from: day.to, enough: OFFERED, keep })
      : [];
    const when = `${day ? ` on ${spokenDate(day.date, zone, ctx.now)}` : ' in the next two weeks'}${timeOfDay ? ` in the ${timeOfDay}` : ''}`;
    if (later.length === 0) {
      return answer('unavailable', `${preface}I'm sorry, there's nothing free${when}.`, {
        service: service.slug,
        ...asked,
        alternatives: [],
      });
    }
    const alternatives = present(distinctStarts(later).slice(0, OFFERED));
    return answer(
      'unavailable',
      `${preface}There's nothing free${when}; the next openings are ${spokenSlots(alternatives)}.`,
      {
        service: service.slug,
        ...asked,
        alternatives,
      },
    );
  },
});
