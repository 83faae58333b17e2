// Properties of the date resolver over any instant, any clinic zone and any process zone (fast-check).
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { resolveDay, resolveStart } from '../../../src/scheduling/dates.ts';
import { holidayIn, US_HOLIDAYS } from '../../../src/scheduling/holidays.ts';
import { restoreProcessTzAfterAll } from '../../helpers/process-tz.ts';
import { ordinal } from '../../helpers/time.ts';

const ZONES = [
  'America/New_York',
  'America/Los_Angeles',
  'America/St_Johns', // a half-hour offset
  'Pacific/Honolulu',
  'Europe/London',
  'Australia/Lord_Howe', // a half-hour DST shift
  'Asia/Kolkata',
  'Asia/Kathmandu', // a 45-minute offset
  'Pacific/Kiritimati', // UTC+14
  'Pacific/Pago_Pago', // UTC-11
];
const PROCESS_ZONES = ['UTC', 'America/New_York', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Kathmandu'];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

restoreProcessTzAfterAll();

// Any instant this century, with a bias towards the minutes around local midnight where days are easiest to get wrong.
const instant = fc.oneof(
  fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }),
  fc
    .tuple(fc.integer({ min: 0, max: 36_500 }), fc.integer({ min: -90, max: 90 }))
    .map(([day, minute]) => Date.UTC(2000, 0, 1 + day) + minute * 60_000),
);
const context = fc.record({ now: instant, timeZone: fc.constantFrom(...ZONES) });
const todayOf = (ctx: { now: number; timeZone: string }) =>
  DateTime.fromMillis(ctx.now, { zone: ctx.timeZone }).startOf('day');
const daysBetween = (from: DateTime, iso: string) =>
  Math.round(DateTime.fromISO(iso, { zone: 'utc' }).diff(DateTime.utc(from.year, from.month, from.day), 'days').days);
const dateOf = (r: ReturnType<typeof resolveDay>) => (r.ok ? r.date : `refused ${r.reason}`);

describe('relative days', () => {
  it('"in N days" and "N days from today" are N clinic days later, for any instant and zone', () => {
    fc.assert(
      fc.property(context, fc.integer({ min: 0, max: 999 }), (ctx, n) => {
        const expected = todayOf(ctx).plus({ days: n }).toISODate();
        expect(dateOf(resolveDay(`in ${n} days`, ctx))).toBe(expected);
        expect(dateOf(resolveDay(`${n} days from today`, ctx))).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('"N weeks from today" is 7N clinic days later, and "a week from tomorrow" is 8', () => {
    fc.assert(
      fc.property(context, fc.integer({ min: 1, max: 60 }), (ctx, n) => {
        expect(dateOf(resolveDay(`${n} weeks from today`, ctx))).toBe(
          todayOf(ctx)
            .plus({ days: 7 * n })
            .toISODate(),
        );
        expect(dateOf(resolveDay('a week from tomorrow', ctx))).toBe(todayOf(ctx).plus({ days: 8 }).toISODate());
        expect(dateOf(resolveDay('the day after tomorrow', ctx))).toBe(todayOf(ctx).plus({ days: 2 }).toISODate());
      }),
      { numRuns: 200 },
    );
  });
});

describe('weekdays', () => {
  it('a bare weekday is 1–7 days ahead, "this" 0–6, "next" in next Monday-to-Sunday week, "after next" a week after the bare one', () => {
    fc.assert(
      fc.property(context, fc.integer({ min: 0, max: 6 }), (ctx, w) => {
        const today = todayOf(ctx);
        const name = WEEKDAYS[w]!;
        const check = (phrase: string, min: number, max: number) => {
          const r = resolveDay(phrase, ctx);
          if (!r.ok) throw new Error(`${phrase}: ${r.say}`);
          const ahead = daysBetween(today, r.date);
          expect(ahead, phrase).toBeGreaterThanOrEqual(min);
          expect(ahead, phrase).toBeLessThanOrEqual(max);
          expect(DateTime.fromISO(r.date).weekday, phrase).toBe(w + 1);
          return r;
        };
        const bare = check(name, 1, 7);
        check(`this ${name}`, 0, 6);
        const next = check(`next ${name}`, 1, 13);
        const nextWeekMonday = today.plus({ days: 8 - today.weekday });
        expect(daysBetween(nextWeekMonday, next.ok ? next.date : '')).toBe(w);
        const afterNext = check(`${name} after next`, 8, 14);
        expect(daysBetween(todayOf(ctx), afterNext.ok ? afterNext.date : '')).toBe(
          daysBetween(today, bare.ok ? bare.date : '') + 7,
        );
        expect(next).toMatchObject({ interpreted: true });
      }),
      { numRuns: 200 },
    );
  });

  it('a weekday with a numbered day is accepted exactly when that day falls on it', () => {
    fc.assert(
      fc.property(context, fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 6 }), (ctx, day, w) => {
        const r = resolveDay(`${WEEKDAYS[w]} the ${ordinal(day)}`, ctx);
        const alone = resolveDay(`the ${ordinal(day)}`, ctx);
        if (!alone.ok) throw new Error(alone.say);
        if (DateTime.fromISO(alone.date).weekday === w + 1) expect(r).toMatchObject({ ok: true, date: alone.date });
        else expect(r).toMatchObject({ ok: false, reason: 'weekday_mismatch' });
      }),
      { numRuns: 200 },
    );
  });
});

describe('holidays', () => {
  it('each holiday is its rule’s next date: on or after today, the one before it gone, on the right weekday of the right month', () => {
    fc.assert(
      fc.property(context, fc.constantFrom(...US_HOLIDAYS), (ctx, holiday) => {
        const r = resolveDay(holiday.spoken[0]!, ctx);
        if (!r.ok) throw new Error(r.say);
        const day = DateTime.fromISO(r.date);
        expect(daysBetween(todayOf(ctx), r.date)).toBeGreaterThanOrEqual(0);
        expect(daysBetween(todayOf(ctx), holidayIn(holiday.rule, day.year - 1).toISODate()!)).toBeLessThan(0);
        expect(day.month).toBe(holiday.rule.month);
        const { rule } = holiday;
        if ('day' in rule) expect(day.day).toBe(rule.day);
        else {
          expect(day.weekday).toBe(rule.weekday);
          if (rule.nth === 'last') expect(day.plus({ days: 7 }).month).not.toBe(rule.month);
          else expect(Math.ceil(day.day / 7)).toBe(rule.nth);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the process time zone', () => {
  const phrases = [
    'today',
    'tomorrow',
    'day after tomorrow',
    'in 10 days',
    'a week from Friday',
    'next Tuesday',
    'this Sunday',
    'Wednesday the 9th',
    'the 31st',
    'December 3rd',
    '3/14',
    'first Monday of March',
    'Thanksgiving',
    "New Year's Eve",
    'tonight',
  ];

  it('never changes the day or the instant resolved', () => {
    fc.assert(
      fc.property(
        context,
        fc.constantFrom(...phrases),
        fc.constantFrom(...PROCESS_ZONES),
        fc.constantFrom(...PROCESS_ZONES),
        (ctx, phrase, a, b) => {
          process.env.TZ = a;
          const dayA = resolveDay(phrase, ctx);
          const startA = resolveStart({ date: phrase, time: 'half past two' }, ctx);
          process.env.TZ = b;
          expect(resolveDay(phrase, ctx)).toEqual(dayA);
          expect(resolveStart({ date: phrase, time: 'half past two' }, ctx)).toEqual(startA);
        },
      ),
      { numRuns: 300 },
    );
  });
});
