import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { dayAround, dayBounds, localDate } from '../../../src/scheduling/clinic-day.ts';
import { clinicDaysCovering } from '../../../src/scheduling/hours.ts';

const ZONES = ['America/New_York', 'Europe/London', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'];
// 2024–2030, so DST changes of several rule sets fall inside.
const instant = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 11, 31) });

describe('the clinic-local day', () => {
  it('holds the instant, begins where luxon says the day begins and ends where the next one begins', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...ZONES), (at, zone) => {
        const { start, end } = dayAround(at, zone);
        const local = DateTime.fromMillis(at, { zone }).startOf('day');
        expect(start).toBe(local.toMillis());
        expect(end).toBe(local.plus({ days: 1 }).startOf('day').toMillis());
        expect(start <= at && at < end).toBe(true);
        expect(localDate(start, zone)).toBe(localDate(at, zone));
        expect(localDate(end, zone)).not.toBe(localDate(at, zone));
      }),
      { numRuns: 2_000 },
    );
  });

  it('is 23 or 25 hours long on DST change days, and begins at 01:00 where DST begins at midnight', () => {
    const hours = (day: string, zone: string) => {
      const { start, end } = dayBounds(day, zone);
      return (end - start) / 3_600_000;
    };
    expect(hours('2026-03-08', 'America/New_York')).toBe(23);
    expect(hours('2026-11-01', 'America/New_York')).toBe(25);
    expect(hours('2026-06-15', 'America/New_York')).toBe(24);
    // Chile moves its clocks at midnight: 2026-09-06 begins at 01:00 local.
    const santiago = dayBounds('2026-09-06', 'America/Santiago');
    expect(DateTime.fromMillis(santiago.start, { zone: 'America/Santiago' }).toFormat('yyyy-MM-dd HH:mm')).toBe(
      '2026-09-06 01:00',
    );
  });
});

describe('the clinic days covering a range (built once per zone and date, then shared)', () => {
  it('are the consecutive local dates luxon gives, with their weekdays, each starting where its day begins', () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: 0, max: 5 * 86_400_000 }),
        fc.constantFrom(...ZONES),
        (first, span, zone) => {
          const expected: string[] = [];
          const last = DateTime.fromMillis(first + span, { zone }).toISODate();
          for (let d = DateTime.fromMillis(first, { zone }).startOf('day'); ; d = d.plus({ days: 1 }).startOf('day')) {
            expected.push(d.toISODate()!);
            if (d.toISODate() === last) break;
          }
          const days = clinicDaysCovering(first, first + span, zone);
          expect(days.map((d) => d.date)).toEqual(expected);
          for (const day of days) {
            expect(day.weekday).toBe(DateTime.fromISO(day.date, { zone }).weekday);
            expect(day.at('24:00').ms).toBe(dayBounds(day.date, zone).end);
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
