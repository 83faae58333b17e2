import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { spokenDate, spokenList, spokenSlot, spokenTime } from '../../../src/scheduling/spoken.ts';

const NY = 'America/New_York';
// Pinned: Tuesday 2026-11-24, 10:00 in New York.
const NOW = DateTime.fromISO('2026-11-24T10:00', { zone: NY }).toMillis();
const year = DateTime.fromMillis(NOW, { zone: NY }).year;
const ny = (iso: string): number => DateTime.fromISO(iso, { zone: NY }).toMillis();

describe('spokenTime', () => {
  it('drops ":00" and uses AM/PM', () => {
    expect(spokenTime(ny('2026-11-24T14:30'), NY)).toBe('2:30 PM');
    expect(spokenTime(ny('2026-11-24T09:00'), NY)).toBe('9 AM');
    expect(spokenTime(ny('2026-11-24T12:00'), NY)).toBe('12 PM');
    expect(spokenTime(ny('2026-11-24T00:15'), NY)).toBe('12:15 AM');
  });

  it("speaks the clinic's wall time", () => {
    const instant = Date.parse('2026-11-24T14:30:00Z');
    expect(spokenTime(instant, NY)).toBe('9:30 AM');
    expect(spokenTime(instant, 'Asia/Kolkata')).toBe('8 PM');
  });
});

describe('spokenSlot', () => {
  it('says today and tomorrow', () => {
    expect(spokenSlot(ny('2026-11-24T14:30'), NY, NOW)).toBe('today at 2:30 PM');
    expect(spokenSlot(ny('2026-11-25T09:00'), NY, NOW)).toBe('tomorrow at 9 AM');
  });

  it('uses the bare weekday within the next six days, and the date beyond', () => {
    expect(spokenSlot(ny('2026-11-26T14:30'), NY, NOW)).toBe('Thursday at 2:30 PM');
    expect(spokenSlot(ny('2026-11-30T09:00'), NY, NOW)).toBe('Monday at 9 AM');
    expect(spokenSlot(ny('2026-12-01T09:00'), NY, NOW)).toBe('Tuesday, December 1 at 9 AM');
    expect(spokenSlot(ny('2026-12-08T14:30'), NY, NOW)).toBe('Tuesday, December 8 at 2:30 PM');
  });

  it('adds the year only when it is not the current one', () => {
    const nextYear = DateTime.fromObject({ year: year + 1, month: 1, day: 8, hour: 9 }, { zone: NY });
    expect(spokenSlot(nextYear.toMillis(), NY, NOW)).toBe(
      `${nextYear.toFormat('cccc')}, January 8, ${year + 1} at 9 AM`,
    );
  });

  it("counts days on the clinic's calendar", () => {
    // 23:30 in New York is 04:30 UTC the next day; in London the same instant is tomorrow.
    const lateEvening = ny('2026-11-24T23:30');
    expect(spokenSlot(lateEvening, NY, NOW)).toBe('today at 11:30 PM');
    expect(spokenSlot(lateEvening, 'Europe/London', NOW)).toBe('tomorrow at 4:30 AM');
  });

  it('counts calendar days across a DST change', () => {
    const beforeFallBack = ny('2026-10-31T10:00');
    expect(spokenSlot(ny('2026-11-01T09:00'), NY, beforeFallBack)).toBe('tomorrow at 9 AM');
    expect(spokenSlot(ny('2026-11-06T09:00'), NY, beforeFallBack)).toBe('Friday at 9 AM');
    expect(spokenSlot(ny('2026-11-07T09:00'), NY, beforeFallBack)).toBe('Saturday, November 7 at 9 AM');
  });
});

describe('spokenDate', () => {
  it('says the weekday, month and day', () => {
    expect(spokenDate('2026-12-03', NY, NOW)).toBe('Thursday, December 3');
  });

  it('adds the year only when it is not the current one', () => {
    const date = DateTime.fromObject({ year: year + 1, month: 3, day: 12 });
    expect(spokenDate(date.toFormat('yyyy-MM-dd'), NY, NOW)).toBe(`${date.toFormat('cccc')}, March 12, ${year + 1}`);
  });

  it('rejects a malformed date', () => {
    expect(() => spokenDate('2026-13-01', NY, NOW)).toThrow(RangeError);
  });
});

describe('spokenList', () => {
  it('joins with commas and a final "or"', () => {
    expect(spokenList([])).toBe('');
    expect(spokenList(['a'])).toBe('a');
    expect(spokenList(['a', 'b'])).toBe('a or b');
    expect(spokenList(['a', 'b', 'c'])).toBe('a, b or c');
    expect(spokenList(['9 AM', '11:30 AM', '2:30 PM', '4 PM'])).toBe('9 AM, 11:30 AM, 2:30 PM or 4 PM');
  });
});
