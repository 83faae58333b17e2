import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { nextOpenDay, openNow, spokenWallTime, weeklySummary } from '../../../src/scheduling/opening-summary.ts';
import type { DateException, WeeklyHours } from '../../../src/scheduling/types.ts';

const zone = 'Europe/Berlin';
const at = (iso: string) => DateTime.fromISO(iso, { zone }).toMillis();
const week = (providerId: string, days: number[], start: string, end: string): WeeklyHours[] =>
  days.map((weekday) => ({ providerId, weekday: weekday as WeeklyHours['weekday'], start, end }));

const hours = [
  ...week('a', [1, 2, 3, 4, 5], '09:00', '17:00'),
  ...week('b', [1, 2, 3, 4, 5], '13:00', '19:30'),
  ...week('a', [6], '09:00', '12:00'),
];
const input = (now: number, exceptions: DateException[] = []) => ({
  providerIds: ['a', 'b'],
  hours,
  exceptions,
  timeZone: zone,
  now,
});

describe('weekly summary', () => {
  it('merges providers and groups equal days', () => {
    expect(weeklySummary(input(0))).toBe('Monday to Friday 9 AM to 7:30 PM; Saturday 9 AM to 12 PM; closed Sunday');
  });
  it('ignores inactive providers and says when there are no hours', () => {
    expect(weeklySummary({ providerIds: ['b'], hours })).toBe(
      'Monday to Friday 1 PM to 7:30 PM; closed Saturday to Sunday',
    );
    expect(weeklySummary({ providerIds: [], hours })).toBe('no regular opening hours');
  });
  it('speaks wall times', () => {
    expect(['00:00', '09:00', '12:00', '12:30', '24:00'].map(spokenWallTime)).toEqual([
      'midnight',
      '9 AM',
      '12 PM',
      '12:30 PM',
      'midnight',
    ]);
  });
});

describe('open now and next open day', () => {
  it('is open during hours and names the rest of today', () => {
    const now = at('2026-06-03T10:15'); // a Wednesday
    expect(openNow(input(now))).toBe(true);
    expect(nextOpenDay(input(now))).toEqual({ date: '2026-06-03', say: 'today from 10:15 AM to 7:30 PM' });
  });
  it('after hours, names tomorrow; on Saturday afternoon, Monday', () => {
    expect(nextOpenDay(input(at('2026-06-03T20:00')))).toEqual({
      date: '2026-06-04',
      say: 'tomorrow from 9 AM to 7:30 PM',
    });
    const saturday = at('2026-06-06T13:00');
    expect(openNow(input(saturday))).toBe(false);
    expect(nextOpenDay(input(saturday))).toEqual({ date: '2026-06-08', say: 'Monday, June 8 from 9 AM to 7:30 PM' });
  });
  it('honours a clinic-wide closure and extra hours', () => {
    const closed: DateException[] = [{ providerId: null, date: '2026-06-04', kind: 'closed' }];
    expect(nextOpenDay(input(at('2026-06-03T20:00'), closed))?.date).toBe('2026-06-05');
    const sunday: DateException[] = [
      { providerId: 'a', date: '2026-06-07', kind: 'open', start: '10:00', end: '11:00' },
    ];
    expect(nextOpenDay(input(at('2026-06-06T13:00'), sunday))).toEqual({
      date: '2026-06-07',
      say: 'tomorrow from 10 AM to 11 AM',
    });
  });
  it('says nothing when no one ever works', () => {
    expect(nextOpenDay({ ...input(at('2026-06-03T10:00')), providerIds: [] })).toBeNull();
  });
});
