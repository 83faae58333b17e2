// The phrase table: what callers say × when they say it, with the clinic-local day a receptionist would write down.
// Every expectation here is written out by hand from a calendar, not computed, and the whole table runs under
// several process time zones, none of them the clinic's, so the server's TZ can never leak into a day.
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DayResolution, resolveDay, resolveStart } from '../../../src/scheduling/dates.ts';
import { restoreProcessTzAfterAll } from '../../helpers/process-tz.ts';

const NY = 'America/New_York';

interface Reference {
  name: string;
  zone: string;
  /** The clinic's wall clock, or an instant with its own offset where the wall time is ambiguous. */
  at: string;
  /**
   * phrase → expectation: "2026-12-04" (a day, not said back), "2026-12-04 !" (a day the caller hears back:
   * chosen by a rule, never named outright, in another year, or a stale year moved on),
   * an optional part of the day after it ("2026-12-01 morning"), or "refused <reason>".
   */
  days: Array<[string, string]>;
}

const references: Reference[] = [
  {
    name: 'Monday 22:50 in New York, already Tuesday in UTC',
    zone: NY,
    at: '2026-11-30T22:50',
    days: [
      // relative days
      ['today', '2026-11-30'],
      ['tomorrow', '2026-12-01'],
      ['the day after tomorrow', '2026-12-02'],
      ['day after tomorrow', '2026-12-02'],
      ['in 3 days', '2026-12-03'],
      ['in three days', '2026-12-03'],
      ['in a week', '2026-12-07'],
      ['in 2 weeks', '2026-12-14'],
      ['in two weeks', '2026-12-14'],
      ['in a fortnight', '2026-12-14'],
      ['a week from today', '2026-12-07'],
      ['one week from today', '2026-12-07'],
      ['two weeks from today', '2026-12-14'],
      ['3 weeks from today', '2026-12-21'],
      ['ten days from today', '2026-12-10'],
      ['two days from now', '2026-12-02'],
      ['a week from tomorrow', '2026-12-08'],
      ['two weeks from tomorrow', '2026-12-15'],
      ['a week from Friday', '2026-12-11'],
      ['a week from next Friday', '2026-12-18 !'],
      ['the day after Christmas', '2026-12-26 !'],
      ['a week before Christmas', '2026-12-18 !'],
      ['in a month', '2026-12-30'],
      // weekdays
      ['Friday', '2026-12-04'],
      ['friday', '2026-12-04'],
      ['on Friday', '2026-12-04'],
      ['this Friday', '2026-12-04 !'],
      ['coming Friday', '2026-12-04 !'],
      ['this coming Friday', '2026-12-04 !'],
      ['next Friday', '2026-12-11 !'],
      ['Friday next week', '2026-12-11 !'],
      ['next week Friday', '2026-12-11 !'],
      ['Friday after next', '2026-12-11 !'],
      ['Monday', '2026-12-07 !'],
      ['this Monday', '2026-11-30 !'],
      ['next Monday', '2026-12-07 !'],
      ['Monday after next', '2026-12-14 !'],
      ['Sunday', '2026-12-06'],
      ['next Sunday', '2026-12-13 !'],
      ['Tuesday', '2026-12-01'],
      ['next Tuesday', '2026-12-08 !'],
      ['Wednesday the 9th', '2026-12-09'],
      ['Wednesday the ninth', '2026-12-09'],
      ['Tuesday the 8th', '2026-12-08'],
      ['Friday, December 11', '2026-12-11'],
      ['Friday 12/11', '2026-12-11'],
      ['December 11th, Friday', '2026-12-11'],
      ['2026-12-11 (Friday)', '2026-12-11'],
      ['Tuesday the 9th', 'refused weekday_mismatch'],
      ['Dec 11 (Thursday)', 'refused weekday_mismatch'],
      ['tomorrow, Wednesday', 'refused weekday_mismatch'],
      ['Thursday, December 11', 'refused weekday_mismatch'],
      ['Monday the 15th', 'refused weekday_mismatch'],
      ['last Friday', 'refused past'],
      ['yesterday', 'refused past'],
      // an ordinal alone: the next such day, today included
      ['the 15th', '2026-12-15 !'],
      ['the fifteenth', '2026-12-15 !'],
      ['on the 1st', '2026-12-01 !'],
      ['the 30th', '2026-11-30 !'],
      ['the thirty-first', '2026-12-31 !'],
      ['the twenty first', '2026-12-21 !'],
      ['the 8th of next month', '2026-12-08'],
      ['the 31st of next month', '2026-12-31'],
      ['the 15th of this month', 'refused past'],
      ['the 3rd of the month', '2026-12-03 !'],
      // nth weekday of a month
      ['first Monday of January', '2027-01-04 !'],
      ['the last Friday in December', '2026-12-25 !'],
      ['second Tuesday of December', '2026-12-08 !'],
      ['the first Monday in December', '2026-12-07 !'],
      ['third Wednesday of next month', '2026-12-16 !'],
      ['the last Monday of November', '2026-11-30 !'],
      ['first Tuesday of this month', 'refused past'],
      ['the second Tuesday of the month', '2026-12-08 !'],
      // month and day, every order
      ['December 3rd', '2026-12-03'],
      ['December the third', '2026-12-03'],
      ['December third', '2026-12-03'],
      ['December twelve', '2026-12-12'],
      ['december twenty one', '2026-12-21'],
      ['the third of December', '2026-12-03'],
      ['3rd of December', '2026-12-03'],
      ['3 December', '2026-12-03'],
      ['Dec 3', '2026-12-03'],
      ['Dec. 3', '2026-12-03'],
      ['12/3', '2026-12-03 !'],
      ['December 3, 2026', '2026-12-03'],
      ['November 30', '2026-11-30'],
      ['November 29', '2027-11-29 !'],
      ['March 14', '2027-03-14 !'],
      ['March the fourteenth', '2027-03-14 !'],
      ['the fourteenth of March', '2027-03-14 !'],
      ['3/14', '2027-03-14 !'],
      ['the third of March 2027', '2027-03-03'],
      ['February 29', '2028-02-29 !'],
      // holidays, by rule
      ['Christmas', '2026-12-25 !'],
      ['Christmas Day', '2026-12-25 !'],
      ['christmas eve', '2026-12-24 !'],
      ["New Year's Eve", '2026-12-31 !'],
      ["New Year's Day", '2027-01-01 !'],
      ['new years', '2027-01-01 !'],
      ['MLK Day', '2027-01-18 !'],
      ['Martin Luther King Jr. Day', '2027-01-18 !'],
      ["Presidents' Day", '2027-02-15 !'],
      ["President's Day", '2027-02-15 !'],
      ['Memorial Day', '2027-05-31 !'],
      ['Juneteenth', '2027-06-19 !'],
      ['Independence Day', '2027-07-04 !'],
      ['the Fourth of July', '2027-07-04 !'],
      ['July 4th', '2027-07-04 !'],
      ['Labor Day', '2027-09-06 !'],
      ['Thanksgiving', '2027-11-25 !'],
      ['Thanksgiving Day', '2027-11-25 !'],
      // parts of the day
      ['tomorrow morning', '2026-12-01 morning'],
      ['Friday afternoon', '2026-12-04 afternoon'],
      ['tonight', '2026-11-30 evening'],
      ['this evening', '2026-11-30 evening'],
      ['next Friday morning', '2026-12-11 ! morning'],
      // phrases that name no single day
      ['sometime soon', 'refused unparseable'],
      ['next week', 'refused unparseable'],
      ['sometime next week', 'refused unparseable'],
      ['this month', 'refused unparseable'],
      ['March', 'refused unparseable'],
      ['whenever', 'refused unparseable'],
      ['a week from', 'refused unparseable'],
      ['the weekend', 'refused unparseable'],
      ['fifth Monday of February', 'refused unparseable'],
      // words that change the meaning, left over outside what was parsed
      ['two Tuesdays from now', 'refused unparseable'],
      ['before Friday', 'refused unparseable'],
      ['not Friday', 'refused unparseable'],
      ['a week on Tuesday', 'refused unparseable'],
      ['the Tuesday before Christmas', 'refused unparseable'],
      // ... and filler that does not
      ['on Friday, please', '2026-12-04'],
      ['Friday would be good', '2026-12-04'],
      ['any time Friday', '2026-12-04'],
      ['Tuesday or Wednesday', 'refused ambiguous'],
      ['the 3rd or the 4th', 'refused ambiguous'],
    ],
  },
  {
    name: 'Tuesday 06:05 in New York, early morning',
    zone: NY,
    at: '2026-12-01T06:05',
    days: [
      ['today', '2026-12-01'],
      ['tomorrow', '2026-12-02'],
      ['the day after tomorrow', '2026-12-03'],
      ['in 3 days', '2026-12-04'],
      ['a week from today', '2026-12-08'],
      ['a week from tomorrow', '2026-12-09'],
      ['Tuesday', '2026-12-08 !'],
      ['this Tuesday', '2026-12-01 !'],
      ['next Tuesday', '2026-12-08 !'],
      ['Tuesday after next', '2026-12-15 !'],
      ['Monday', '2026-12-07'],
      ['this Monday', '2026-12-07 !'],
      ['the 1st', '2026-12-01 !'],
      ['the 15th', '2026-12-15 !'],
      ['Tuesday the 15th', '2026-12-15'],
      ['Wednesday the 15th', 'refused weekday_mismatch'],
      ['first Tuesday of December', '2026-12-01 !'],
      ['Christmas', '2026-12-25 !'],
      ['this morning', '2026-12-01 morning'],
    ],
  },
  {
    name: 'Saturday 23:30 in New York, the night the clocks go forward',
    zone: NY,
    at: '2026-03-07T23:30',
    days: [
      ['today', '2026-03-07'],
      ['tomorrow', '2026-03-08'],
      ['the day after tomorrow', '2026-03-09'],
      ['day after tomorrow', '2026-03-09'],
      ['in 2 days', '2026-03-09'],
      ['a week from today', '2026-03-14'],
      ['a week from tomorrow', '2026-03-15'],
      ['Monday', '2026-03-09'],
      ['next Monday', '2026-03-09 !'],
      ['next Saturday', '2026-03-14 !'],
      ['Saturday', '2026-03-14 !'],
      ['this Saturday', '2026-03-07 !'],
      ['Sunday the 8th', '2026-03-08'],
      ['Monday the 8th', 'refused weekday_mismatch'],
      ['the 8th', '2026-03-08 !'],
      ['March 8', '2026-03-08'],
      ['3/8', '2026-03-08 !'],
      ['the second Sunday of March', '2026-03-08 !'],
      ['Memorial Day', '2026-05-25 !'],
      ['Juneteenth', '2026-06-19 !'],
      ['Independence Day', '2026-07-04 !'],
      ['Labor Day', '2026-09-07 !'],
      ['Thanksgiving', '2026-11-26 !'],
      ["Presidents' Day", '2027-02-15 !'],
      ['tomorrow morning', '2026-03-08 morning'],
    ],
  },
  {
    name: 'Sunday 03:15 in New York, just after the clocks went forward',
    zone: NY,
    at: '2026-03-08T03:15',
    days: [
      ['today', '2026-03-08'],
      ['tomorrow', '2026-03-09'],
      ['the day after tomorrow', '2026-03-10'],
      ['in a week', '2026-03-15'],
      ['two weeks from today', '2026-03-22'],
      ['Sunday', '2026-03-15 !'],
      ['next Sunday', '2026-03-15 !'],
      // On a Sunday the next Monday-to-Sunday week starts tomorrow.
      ['next Monday', '2026-03-09 !'],
      ['Monday', '2026-03-09'],
      ['the 9th', '2026-03-09 !'],
      ['the 8th', '2026-03-08 !'],
      ['last Sunday of March', '2026-03-29 !'],
      ['yesterday', 'refused past'],
    ],
  },
  {
    name: 'Saturday 21:00 in New York, the night the clocks go back',
    zone: NY,
    at: '2026-10-31T21:00',
    days: [
      ['today', '2026-10-31'],
      ['tomorrow', '2026-11-01'],
      ['the day after tomorrow', '2026-11-02'],
      ['in 7 days', '2026-11-07'],
      ['a week from tomorrow', '2026-11-08'],
      ['Monday', '2026-11-02'],
      ['next Monday', '2026-11-02 !'],
      ['next Friday', '2026-11-06 !'],
      ['Friday', '2026-11-06'],
      ['the 1st', '2026-11-01 !'],
      ['the 31st', '2026-10-31 !'],
      ['Veterans Day', '2026-11-11 !'],
      ['Thanksgiving', '2026-11-26 !'],
      ['the fourth Thursday of November', '2026-11-26 !'],
      ['Sunday, November 1', '2026-11-01'],
      ['Saturday, November 1', 'refused weekday_mismatch'],
    ],
  },
  {
    name: 'Sunday 01:30 EST in New York, the second time 01:30 comes round',
    zone: NY,
    at: '2026-11-01T01:30:00-05:00',
    days: [
      ['today', '2026-11-01'],
      ['tomorrow', '2026-11-02'],
      ['the day after tomorrow', '2026-11-03'],
      ['in a week', '2026-11-08'],
      ['Sunday', '2026-11-08 !'],
      ['this Sunday', '2026-11-01 !'],
      ['next Tuesday', '2026-11-03 !'],
      ['Tuesday', '2026-11-03'],
      ['the 2nd', '2026-11-02 !'],
      ['tonight', '2026-11-01 evening'],
    ],
  },
  {
    name: 'Thursday 23:30 on New Year’s Eve in New York, already next year in UTC',
    zone: NY,
    at: '2026-12-31T23:30',
    days: [
      ['today', '2026-12-31'],
      ['tomorrow', '2027-01-01'],
      ['the day after tomorrow', '2027-01-02'],
      ['in 3 days', '2027-01-03'],
      ['a week from today', '2027-01-07'],
      ['a week from tomorrow', '2027-01-08'],
      ['Friday', '2027-01-01'],
      ['next Friday', '2027-01-08 !'],
      ['this Thursday', '2026-12-31 !'],
      ['Thursday', '2027-01-07 !'],
      ['the 1st', '2027-01-01 !'],
      ['the 31st', '2026-12-31 !'],
      ['the 30th', '2027-01-30 !'],
      ["New Year's Eve", '2026-12-31 !'],
      ["New Year's Day", '2027-01-01 !'],
      ['Christmas', '2027-12-25 !'],
      ['MLK Day', '2027-01-18 !'],
      ['January 5', '2027-01-05 !'],
      ['the 8th of next month', '2027-01-08'],
      ['1/5', '2027-01-05 !'],
      ['December 30', '2027-12-30 !'],
      ['first Monday of January', '2027-01-04 !'],
      ['Friday, January 1', '2027-01-01 !'],
      ['Thursday, January 1', 'refused weekday_mismatch'],
      // stale years, moved on and said back
      ['January 5, 2025', '2027-01-05 !'],
      ['2025-12-31', '2026-12-31 !'],
      ['12/31/2024', '2026-12-31 !'],
    ],
  },
  {
    name: 'Friday 00:15 on New Year’s Day in New York',
    zone: NY,
    at: '2027-01-01T00:15',
    days: [
      ['today', '2027-01-01'],
      ['tomorrow', '2027-01-02'],
      ['the day after tomorrow', '2027-01-03'],
      ['yesterday', 'refused past'],
      ['Friday', '2027-01-08 !'],
      ['this Friday', '2027-01-01 !'],
      ['next Monday', '2027-01-04 !'],
      ['Monday', '2027-01-04'],
      ['the 1st', '2027-01-01 !'],
      ["New Year's Eve", '2027-12-31 !'],
      ["New Year's Day", '2027-01-01 !'],
      ['December 31', '2027-12-31'],
      ['in two weeks', '2027-01-15'],
    ],
  },
  {
    name: 'Friday 21:30 in Los Angeles, already Saturday in UTC',
    zone: 'America/Los_Angeles',
    at: '2026-12-04T21:30',
    days: [
      ['today', '2026-12-04'],
      ['tomorrow', '2026-12-05'],
      ['the day after tomorrow', '2026-12-06'],
      ['a week from today', '2026-12-11'],
      ['Friday', '2026-12-11 !'],
      ['this Friday', '2026-12-04 !'],
      ['next Friday', '2026-12-11 !'],
      ['Monday', '2026-12-07'],
      ['next Monday', '2026-12-07 !'],
      ['the 5th', '2026-12-05 !'],
      ['the 4th', '2026-12-04 !'],
      ['the 3rd', '2027-01-03 !'],
      ['Christmas Eve', '2026-12-24 !'],
    ],
  },
  {
    name: 'Monday 02:00 in Kolkata, still Sunday in UTC',
    zone: 'Asia/Kolkata',
    at: '2026-12-07T02:00',
    days: [
      ['today', '2026-12-07'],
      ['tomorrow', '2026-12-08'],
      ['the day after tomorrow', '2026-12-09'],
      ['in 3 days', '2026-12-10'],
      ['a week from tomorrow', '2026-12-15'],
      ['Sunday', '2026-12-13'],
      ['Monday', '2026-12-14 !'],
      ['this Monday', '2026-12-07 !'],
      ['next Wednesday', '2026-12-16 !'],
      ['Wednesday', '2026-12-09'],
      ['the 7th', '2026-12-07 !'],
      ['the 6th', '2027-01-06 !'],
      ['Monday the 7th', '2026-12-07'],
      ['Sunday the 7th', 'refused weekday_mismatch'],
    ],
  },
  {
    name: 'Sunday 00:30 in London, the morning the clocks go forward',
    zone: 'Europe/London',
    at: '2026-03-29T00:30',
    days: [
      ['today', '2026-03-29'],
      ['tomorrow', '2026-03-30'],
      ['the day after tomorrow', '2026-03-31'],
      ['next Sunday', '2026-04-05 !'],
      ['Sunday', '2026-04-05 !'],
      ['Monday', '2026-03-30'],
      ['the 1st', '2026-04-01 !'],
      ['last Sunday in March', '2026-03-29 !'],
    ],
  },
];

function instantOf(ref: Reference): number {
  return DateTime.fromISO(ref.at, { zone: ref.zone, setZone: false }).toMillis();
}

/** The parts of a resolution the table speaks about. */
function observed(r: DayResolution): string {
  if (!r.ok) return `refused ${r.reason}`;
  return [r.date, r.interpreted || r.corrected ? '!' : '', r.timeOfDay ?? ''].filter(Boolean).join(' ');
}

// Process zones unlike any clinic's above: far ahead of UTC, far behind, and UTC itself.
const processZones = ['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'];
restoreProcessTzAfterAll();

const caseCount = references.reduce((n, r) => n + r.days.length, 0);

it(`the table holds at least 200 phrase × reference cases (${caseCount})`, () => {
  expect(caseCount).toBeGreaterThanOrEqual(200);
  for (const ref of references) expect(DateTime.fromMillis(instantOf(ref)).isValid, ref.name).toBe(true);
});

describe.each(processZones)('with the process in %s', (processZone) => {
  beforeAll(() => {
    process.env.TZ = processZone;
  });

  describe.each(references)('$name', (ref) => {
    const ctx = { now: instantOf(ref), timeZone: ref.zone };
    it.each(ref.days)('%s → %s', (phrase, expected) => {
      // The process really is in that zone (`+ 0` turns UTC's -0 into 0).
      expect(-new Date(ctx.now).getTimezoneOffset() + 0).toBe(
        DateTime.fromMillis(ctx.now, { zone: processZone }).offset + 0,
      );
      expect(observed(resolveDay(phrase, ctx))).toBe(expected);
    });
  });
});

/** Times as said, with the clinic-local wall time expected, or "refused <reason>". */
const times: Array<{
  name: string;
  zone: string;
  at: string;
  cases: Array<[{ start?: string; date?: string; time?: string }, string]>;
}> = [
  {
    name: 'Monday 22:50 in New York',
    zone: NY,
    at: '2026-11-30T22:50',
    cases: [
      [{ start: 'tomorrow at half past two' }, '2026-12-01T14:30'],
      [{ start: 'tomorrow at quarter to three' }, '2026-12-01T14:45'],
      [{ start: 'tomorrow at a quarter past ten' }, '2026-12-01T10:15'],
      [{ start: 'tomorrow at twenty past nine' }, '2026-12-01T09:20'],
      [{ start: 'tomorrow at five to four' }, '2026-12-01T15:55'],
      [{ start: 'tomorrow at quarter of one' }, '2026-12-01T12:45'],
      [{ start: 'tomorrow at noon' }, '2026-12-01T12:00'],
      [{ start: 'tomorrow at two in the afternoon' }, '2026-12-01T14:00'],
      [{ start: 'tomorrow at 14:30' }, '2026-12-01T14:30'],
      [{ start: 'tomorrow at three thirty p.m.' }, '2026-12-01T15:30'],
      [{ start: 'tomorrow at 3:30 p.m.' }, '2026-12-01T15:30'],
      [{ start: 'tomorrow at ten am' }, '2026-12-01T10:00'],
      [{ start: "tomorrow at ten o'clock" }, '2026-12-01T10:00'],
      [{ start: 'tomorrow at nine in the morning' }, '2026-12-01T09:00'],
      [{ start: 'tomorrow at ten thirty' }, '2026-12-01T10:30'],
      [{ start: 'tomorrow at ten oh five' }, '2026-12-01T10:05'],
      [{ start: 'tomorrow at eleven forty-five' }, '2026-12-01T11:45'],
      // A bare hour from one to six is the afternoon's; so is any bare hour said with "afternoon" or "evening".
      [{ start: 'tomorrow at two' }, '2026-12-01T14:00'],
      [{ start: 'tomorrow at 3' }, '2026-12-01T15:00'],
      [{ start: 'tomorrow at 9' }, '2026-12-01T09:00'],
      [{ start: 'tomorrow evening at 7' }, '2026-12-01T19:00'],
      [{ start: 'tomorrow around 10' }, '2026-12-01T10:00'],
      [{ start: 'Friday around 3' }, '2026-12-04T15:00'],
      [{ start: 'next Friday at half past two' }, '2026-12-11T14:30'],
      [{ start: 'the day after tomorrow at 9am' }, '2026-12-02T09:00'],
      [{ start: 'a week from tomorrow at 11' }, '2026-12-08T11:00'],
      [{ date: 'the day after tomorrow', time: 'quarter to three' }, '2026-12-02T14:45'],
      [{ date: 'Thanksgiving', time: 'noon' }, '2027-11-25T12:00'],
      [{ date: 'the 15th', time: 'three thirty p.m.' }, '2026-12-15T15:30'],
      [{ date: 'first Monday of January', time: '10:00' }, '2027-01-04T10:00'],
      [{ date: 'Tuesday the 9th', time: '10am' }, 'refused weekday_mismatch'],
      [{ date: 'sometime soon', time: '10am' }, 'refused unparseable'],
      [{ date: 'tomorrow', time: 'whenever' }, 'refused unparseable'],
      [{ start: 'next Friday' }, 'refused no_time'],
      [{ start: 'today at 9pm' }, 'refused past'],
      [{ start: 'tonight at eleven' }, '2026-11-30T23:00'],
    ],
  },
  {
    name: 'Sunday 03:15 in New York, just after the clocks went forward',
    zone: NY,
    at: '2026-03-08T03:15',
    cases: [
      [{ start: 'today at 2:30' }, '2026-03-08T14:30'],
      [{ start: 'tomorrow at 9am' }, '2026-03-09T09:00'],
      [{ start: 'today at half past ten' }, '2026-03-08T10:30'],
      // 02:30 did not exist that night; the clock's own answer is 03:30, still ahead of 03:15.
      [{ date: 'today', time: '02:30' }, '2026-03-08T03:30'],
      [{ date: 'today', time: '01:30' }, 'refused past'],
    ],
  },
  {
    name: 'Sunday 01:30 EST, the second 01:30 of the night the clocks go back',
    zone: NY,
    at: '2026-11-01T01:30:00-05:00',
    cases: [
      [{ start: 'today at 3pm' }, '2026-11-01T15:00'],
      [{ start: 'tomorrow at 9' }, '2026-11-02T09:00'],
      [{ start: 'today at quarter to two' }, '2026-11-01T13:45'],
    ],
  },
];

describe.each(times)('times: $name', ({ zone, at, cases }) => {
  const ctx = { now: DateTime.fromISO(at, { zone }).toMillis(), timeZone: zone };
  it.each(cases)('%o → %s', (input, expected) => {
    const r = resolveStart(input, ctx);
    const seen = r.ok ? DateTime.fromMillis(r.start, { zone }).toFormat("yyyy-MM-dd'T'HH:mm") : `refused ${r.reason}`;
    expect(seen).toBe(expected);
  });
});
