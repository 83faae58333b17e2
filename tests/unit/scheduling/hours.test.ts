import { describe, expect, it } from 'vitest';
import { openIntervals } from '../../../src/scheduling/hours.ts';
import type { DateException, WeeklyHours } from '../../../src/scheduling/types.ts';

const NY = 'America/New_York';
const utc = (iso: string): number => Date.parse(iso);

// 2026-11-23 is a Monday; 2026-11-28 a Saturday.
const weekly: WeeklyHours[] = [
  { providerId: 'ana', weekday: 1, start: '13:00', end: '17:00' },
  { providerId: 'ana', weekday: 1, start: '09:00', end: '12:00' },
  { providerId: 'ana', weekday: 2, start: '08:00', end: '18:00' },
  { providerId: 'ben', weekday: 1, start: '10:00', end: '11:00' },
];

describe('openIntervals', () => {
  it("returns the provider's weekly hours for that weekday as sorted UTC instants", () => {
    expect(openIntervals('ana', '2026-11-23', weekly, [], NY)).toEqual([
      { start: utc('2026-11-23T14:00:00Z'), end: utc('2026-11-23T17:00:00Z') },
      { start: utc('2026-11-23T18:00:00Z'), end: utc('2026-11-23T22:00:00Z') },
    ]);
    expect(openIntervals('ben', '2026-11-23', weekly, [], NY)).toEqual([
      { start: utc('2026-11-23T15:00:00Z'), end: utc('2026-11-23T16:00:00Z') },
    ]);
  });

  it('is empty on a weekday without hours and for an unknown provider', () => {
    expect(openIntervals('ana', '2026-11-28', weekly, [], NY)).toEqual([]);
    expect(openIntervals('cleo', '2026-11-23', weekly, [], NY)).toEqual([]);
  });

  it('merges overlapping and adjacent intervals', () => {
    const hours: WeeklyHours[] = [
      { providerId: 'ana', weekday: 1, start: '12:00', end: '14:00' },
      { providerId: 'ana', weekday: 1, start: '09:00', end: '12:00' },
      { providerId: 'ana', weekday: 1, start: '10:00', end: '10:30' },
      { providerId: 'ana', weekday: 1, start: '15:00', end: '16:00' },
    ];
    expect(openIntervals('ana', '2026-11-23', hours, [], NY)).toEqual([
      { start: utc('2026-11-23T14:00:00Z'), end: utc('2026-11-23T19:00:00Z') },
      { start: utc('2026-11-23T20:00:00Z'), end: utc('2026-11-23T21:00:00Z') },
    ]);
  });

  it("treats '24:00' as midnight at the start of the next local date", () => {
    const hours: WeeklyHours[] = [{ providerId: 'ana', weekday: 1, start: '20:00', end: '24:00' }];
    expect(openIntervals('ana', '2026-11-23', hours, [], NY)).toEqual([
      { start: utc('2026-11-24T01:00:00Z'), end: utc('2026-11-24T05:00:00Z') },
    ]);
  });

  describe('exceptions', () => {
    it("a provider's closed exception drops that day only for that provider", () => {
      const closed: DateException[] = [{ providerId: 'ana', date: '2026-11-23', kind: 'closed' }];
      expect(openIntervals('ana', '2026-11-23', weekly, closed, NY)).toEqual([]);
      expect(openIntervals('ben', '2026-11-23', weekly, closed, NY)).toHaveLength(1);
      expect(openIntervals('ana', '2026-11-24', weekly, closed, NY)).toHaveLength(1);
    });

    it('a clinic-wide closed exception closes every provider', () => {
      const closed: DateException[] = [{ providerId: null, date: '2026-11-23', kind: 'closed' }];
      expect(openIntervals('ana', '2026-11-23', weekly, closed, NY)).toEqual([]);
      expect(openIntervals('ben', '2026-11-23', weekly, closed, NY)).toEqual([]);
    });

    it('an open exception alone adds extra hours, merging with weekly hours it touches', () => {
      const extra: DateException[] = [
        { providerId: 'ana', date: '2026-11-23', kind: 'open', start: '17:00', end: '19:00' },
        { providerId: 'ana', date: '2026-11-28', kind: 'open', start: '10:00', end: '14:00' },
      ];
      expect(openIntervals('ana', '2026-11-23', weekly, extra, NY)).toEqual([
        { start: utc('2026-11-23T14:00:00Z'), end: utc('2026-11-23T17:00:00Z') },
        { start: utc('2026-11-23T18:00:00Z'), end: utc('2026-11-24T00:00:00Z') },
      ]);
      expect(openIntervals('ana', '2026-11-28', weekly, extra, NY)).toEqual([
        { start: utc('2026-11-28T15:00:00Z'), end: utc('2026-11-28T19:00:00Z') },
      ]);
      expect(openIntervals('ben', '2026-11-28', weekly, extra, NY)).toEqual([]);
    });

    it('closed plus open on the same date replaces the day', () => {
      const replaced: DateException[] = [
        { providerId: null, date: '2026-11-23', kind: 'closed' },
        { providerId: 'ana', date: '2026-11-23', kind: 'open', start: '10:00', end: '12:00' },
      ];
      expect(openIntervals('ana', '2026-11-23', weekly, replaced, NY)).toEqual([
        { start: utc('2026-11-23T15:00:00Z'), end: utc('2026-11-23T17:00:00Z') },
      ]);
      expect(openIntervals('ben', '2026-11-23', weekly, replaced, NY)).toEqual([]);
    });

    it('a clinic-wide open exception applies to every provider', () => {
      const clinicOpen: DateException[] = [
        { providerId: null, date: '2026-11-28', kind: 'open', start: '09:00', end: '10:00' },
      ];
      for (const provider of ['ana', 'ben']) {
        expect(openIntervals(provider, '2026-11-28', weekly, clinicOpen, NY)).toEqual([
          { start: utc('2026-11-28T14:00:00Z'), end: utc('2026-11-28T15:00:00Z') },
        ]);
      }
    });

    it('exceptions for other dates are ignored', () => {
      const other: DateException[] = [{ providerId: null, date: '2026-11-30', kind: 'closed' }];
      expect(openIntervals('ana', '2026-11-23', weekly, other, NY)).toHaveLength(2);
    });
  });

  describe('time zones and DST', () => {
    const sundays: WeeklyHours[] = [
      { providerId: 'ana', weekday: 7, start: '09:00', end: '17:00' },
      { providerId: 'ana', weekday: 6, start: '09:00', end: '17:00' },
    ];

    it('keeps 09:00–17:00 wall hours across spring-forward (New York, 2026-03-08)', () => {
      expect(openIntervals('ana', '2026-03-07', sundays, [], NY)).toEqual([
        { start: utc('2026-03-07T14:00:00Z'), end: utc('2026-03-07T22:00:00Z') },
      ]);
      expect(openIntervals('ana', '2026-03-08', sundays, [], NY)).toEqual([
        { start: utc('2026-03-08T13:00:00Z'), end: utc('2026-03-08T21:00:00Z') },
      ]);
    });

    it('keeps 09:00–17:00 wall hours across fall-back (New York, 2026-11-01)', () => {
      expect(openIntervals('ana', '2026-10-31', sundays, [], NY)).toEqual([
        { start: utc('2026-10-31T13:00:00Z'), end: utc('2026-10-31T21:00:00Z') },
      ]);
      expect(openIntervals('ana', '2026-11-01', sundays, [], NY)).toEqual([
        { start: utc('2026-11-01T14:00:00Z'), end: utc('2026-11-01T22:00:00Z') },
      ]);
    });

    it('moves a wall time skipped by spring-forward forward, and reads a repeated one as standard time', () => {
      const night: DateException[] = [
        { providerId: 'ana', date: '2026-03-08', kind: 'open', start: '02:30', end: '04:00' },
        { providerId: 'ana', date: '2026-11-01', kind: 'open', start: '01:30', end: '03:00' },
      ];
      // 02:30 does not exist; it becomes 03:30 EDT.
      expect(openIntervals('ana', '2026-03-08', [], night, NY)).toEqual([
        { start: utc('2026-03-08T07:30:00Z'), end: utc('2026-03-08T08:00:00Z') },
      ]);
      // 01:30 happens twice; the EST one (06:30Z) is used, as PostgreSQL does.
      expect(openIntervals('ana', '2026-11-01', [], night, NY)).toEqual([
        { start: utc('2026-11-01T06:30:00Z'), end: utc('2026-11-01T08:00:00Z') },
      ]);
    });

    it('converts Europe/London summer time and Asia/Kolkata half-hour offsets', () => {
      const mondays: WeeklyHours[] = [{ providerId: 'ana', weekday: 1, start: '09:00', end: '17:00' }];
      expect(openIntervals('ana', '2026-07-06', mondays, [], 'Europe/London')).toEqual([
        { start: utc('2026-07-06T08:00:00Z'), end: utc('2026-07-06T16:00:00Z') },
      ]);
      expect(openIntervals('ana', '2026-11-23', mondays, [], 'Asia/Kolkata')).toEqual([
        { start: utc('2026-11-23T03:30:00Z'), end: utc('2026-11-23T11:30:00Z') },
      ]);
    });
  });

  it("ends '24:00' at the next midnight on a day that begins at 01:00 (DST at midnight, America/Santiago)", () => {
    // 2026-09-06 (Sunday) has no 00:00 in Santiago; it starts at 01:00 -03 and 24:00 is 2026-09-07 00:00 -03.
    const sundays: WeeklyHours[] = [{ providerId: 'ana', weekday: 7, start: '20:00', end: '24:00' }];
    expect(openIntervals('ana', '2026-09-06', sundays, [], 'America/Santiago')).toEqual([
      { start: utc('2026-09-06T23:00:00Z'), end: utc('2026-09-07T03:00:00Z') },
    ]);
  });

  it('rejects malformed dates, wall times and zones', () => {
    expect(() => openIntervals('ana', '2026-02-30', weekly, [], NY)).toThrow(RangeError);
    expect(() => openIntervals('ana', '23/11/2026', weekly, [], NY)).toThrow(RangeError);
    const bad: WeeklyHours[] = [{ providerId: 'ana', weekday: 1, start: '9:00', end: '17:00' }];
    expect(() => openIntervals('ana', '2026-11-23', bad, [], NY)).toThrow(RangeError);
    expect(() => openIntervals('ana', '2026-11-23', weekly, [], 'Mars/Olympus')).toThrow(RangeError);
  });
});
