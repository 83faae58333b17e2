import { DateTime } from 'luxon';
import type { Weekday } from './types.ts';

/**
 * A holiday's date in any year: a fixed month and day, or the nth (or last) given weekday of a month.
 * Hand-written: the US federal calendar is eleven rules, and the maintained holiday packages bring every country's
 * calendar (and its observed-day shifting, which a caller naming the holiday does not mean) for these few lines.
 */
export type HolidayRule =
  | { month: number; day: number }
  | { month: number; weekday: Weekday; nth: 1 | 2 | 3 | 4 | 'last' };

export interface Holiday {
  name: string;
  /** How callers say it, lower case, apostrophes optional when matched. */
  spoken: readonly string[];
  rule: HolidayRule;
}

// The actual day, never the observed one: "Independence Day" is July 4 even when offices close on Friday the 3rd.
export const US_HOLIDAYS: readonly Holiday[] = [
  { name: "New Year's Eve", spoken: ["new year's eve", 'new years eve'], rule: { month: 12, day: 31 } },
  {
    name: "New Year's Day",
    spoken: ["new year's day", "new year's", 'new years day', 'new years'],
    rule: { month: 1, day: 1 },
  },
  {
    name: 'Martin Luther King Jr. Day',
    spoken: ['martin luther king jr day', 'martin luther king day', 'mlk day'],
    rule: { month: 1, weekday: 1, nth: 3 },
  },
  {
    name: "Presidents' Day",
    spoken: ["presidents' day", "president's day", 'presidents day', "washington's birthday"],
    rule: { month: 2, weekday: 1, nth: 3 },
  },
  { name: 'Memorial Day', spoken: ['memorial day'], rule: { month: 5, weekday: 1, nth: 'last' } },
  { name: 'Juneteenth', spoken: ['juneteenth'], rule: { month: 6, day: 19 } },
  {
    name: 'Independence Day',
    spoken: ['independence day', 'fourth of july', '4th of july', 'july fourth', 'july 4th'],
    rule: { month: 7, day: 4 },
  },
  { name: 'Labor Day', spoken: ['labor day', 'labour day'], rule: { month: 9, weekday: 1, nth: 1 } },
  {
    name: 'Columbus Day',
    spoken: ['columbus day', "indigenous peoples' day", 'indigenous peoples day'],
    rule: { month: 10, weekday: 1, nth: 2 },
  },
  { name: 'Veterans Day', spoken: ["veterans' day", 'veterans day', "veteran's day"], rule: { month: 11, day: 11 } },
  { name: 'Thanksgiving', spoken: ['thanksgiving day', 'thanksgiving'], rule: { month: 11, weekday: 4, nth: 4 } },
  { name: 'Christmas Eve', spoken: ['christmas eve', 'xmas eve'], rule: { month: 12, day: 24 } },
  { name: 'Christmas Day', spoken: ['christmas day', 'christmas', 'xmas'], rule: { month: 12, day: 25 } },
];

/**
 * The nth given weekday of a month ("third Monday of January"), or the last one; null when the month has no such day
 * (a fifth Monday in February). Dates are calendar dates in UTC, with no zone involved.
 */
export function nthWeekdayOfMonth(
  year: number,
  month: number,
  weekday: Weekday,
  nth: 1 | 2 | 3 | 4 | 5 | 'last',
): DateTime | null {
  const first = DateTime.utc(year, month, 1);
  if (nth === 'last') {
    const last = first.endOf('month').startOf('day');
    return last.minus({ days: (last.weekday - weekday + 7) % 7 });
  }
  const day = first.plus({ days: ((weekday - first.weekday + 7) % 7) + (nth - 1) * 7 });
  return day.month === month ? day : null;
}

export function holidayIn(rule: HolidayRule, year: number): DateTime {
  if ('day' in rule) return DateTime.utc(year, rule.month, rule.day);
  // Every month has at least four of each weekday, so a rule's day always exists.
  return nthWeekdayOfMonth(year, rule.month, rule.weekday, rule.nth)!;
}

/** The holiday's next date on or after `today` (a UTC calendar date): this year's, or next year's once it has gone. */
export function nextHoliday(rule: HolidayRule, today: DateTime): DateTime {
  const thisYear = holidayIn(rule, today.year);
  return thisYear >= today ? thisYear : holidayIn(rule, today.year + 1);
}
