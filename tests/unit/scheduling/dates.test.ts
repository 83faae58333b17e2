import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { resolveDay, resolveStart } from '../../../src/scheduling/dates.ts';

const NY = 'America/New_York';
// Pinned: Tuesday 2026-11-24, 10:00 in New York.
const NOW = DateTime.fromISO('2026-11-24T10:00', { zone: NY }).toMillis();
const ctx = { now: NOW, timeZone: NY };
const today = DateTime.fromMillis(NOW, { zone: NY });
const year = today.year;
const ny = (iso: string): number => DateTime.fromISO(iso, { zone: NY }).toMillis();

function expectSpeakable(say: string): void {
  expect(say.length).toBeLessThan(140);
  expect(say).not.toMatch(/\d{4}-\d{2}-\d{2}|[{}[\]]/);
  // One sentence: a single closing mark, at the end.
  expect(say.match(/[.?!](?=\s|$)/g)).toHaveLength(1);
  expect(say).toMatch(/[.?!]$/);
}

describe('resolveDay', () => {
  it("accepts 'YYYY-MM-DD'", () => {
    expect(resolveDay('2026-12-03', ctx)).toEqual({ ok: true, date: '2026-12-03' });
    expect(resolveDay(' 2026-11-24 ', ctx)).toEqual({ ok: true, date: '2026-11-24' });
  });

  it("reads ISO date-times in the clinic's zone", () => {
    // 03:30 UTC on the 4th is still the 3rd in New York.
    expect(resolveDay('2026-12-04T03:30:00Z', ctx)).toEqual({ ok: true, date: '2026-12-03' });
    expect(resolveDay('2026-12-03T14:30', ctx)).toEqual({ ok: true, date: '2026-12-03' });
  });

  it('understands relative words from the clinic-local today', () => {
    expect(resolveDay('today', ctx)).toEqual({ ok: true, date: '2026-11-24' });
    expect(resolveDay('tomorrow', ctx)).toEqual({ ok: true, date: '2026-11-25' });
    expect(resolveDay('in two weeks', ctx)).toEqual({ ok: true, date: '2026-12-08' });
  });

  it('understands month names and US month/day, choosing the next occurrence when no year is given', () => {
    expect(resolveDay('December 3rd', ctx)).toEqual({ ok: true, date: '2026-12-03' });
    // US order, and said back: a day-first caller hears March 12 and can correct it.
    expect(resolveDay('3/12', ctx)).toEqual({ ok: true, date: `${year + 1}-03-12`, interpreted: true });
    expect(resolveDay('November 24', ctx)).toEqual({ ok: true, date: '2026-11-24' });
  });

  it('sets the time of day from morning/afternoon/evening/tonight', () => {
    expect(resolveDay('next tuesday morning', ctx)).toEqual({
      ok: true,
      date: '2026-12-01',
      timeOfDay: 'morning',
      interpreted: true,
    });
    expect(resolveDay('this afternoon', ctx)).toEqual({ ok: true, date: '2026-11-24', timeOfDay: 'afternoon' });
    expect(resolveDay('friday evening', ctx)).toEqual({ ok: true, date: '2026-11-27', timeOfDay: 'evening' });
    expect(resolveDay('tonight', ctx)).toEqual({ ok: true, date: '2026-11-24', timeOfDay: 'evening' });
  });

  describe('weekdays', () => {
    it('a bare weekday is the next one after today, never today and never in the past', () => {
      // Said on a Tuesday, a bare "Tuesday" is a week out, which the caller hears back.
      expect(resolveDay('Tuesday', ctx)).toEqual({ ok: true, date: '2026-12-01', interpreted: true });
      expect(resolveDay('wednesday', ctx)).toEqual({ ok: true, date: '2026-11-25' });
      // chrono alone would pick the closest Monday, which was yesterday.
      expect(resolveDay('Monday', ctx)).toEqual({ ok: true, date: '2026-11-30' });
    });

    it("'this Tuesday' on a Tuesday is today", () => {
      expect(resolveDay('this tuesday', ctx)).toEqual({ ok: true, date: '2026-11-24', interpreted: true });
    });

    it("'next Tuesday' is the Tuesday of next (Monday-to-Sunday) week", () => {
      const monday = { now: ny('2026-11-23T10:00'), timeZone: NY };
      const sunday = { now: ny('2026-11-22T10:00'), timeZone: NY };
      expect(resolveDay('next tuesday', monday)).toEqual({ ok: true, date: '2026-12-01', interpreted: true });
      expect(resolveDay('next tuesday', sunday)).toEqual({ ok: true, date: '2026-11-24', interpreted: true });
      expect(resolveDay('tuesday', monday)).toEqual({ ok: true, date: '2026-11-24' });
    });
  });

  describe('the day boundary in the clinic zone', () => {
    it("at 23:59 New York (04:59 UTC the next day) 'tomorrow' is the next New York date", () => {
      const lateNight = { now: Date.parse('2026-11-23T04:59:00Z'), timeZone: NY };
      expect(resolveDay('today', lateNight)).toEqual({ ok: true, date: '2026-11-22' });
      expect(resolveDay('tomorrow', lateNight)).toEqual({ ok: true, date: '2026-11-23' });
    });

    it("at 00:01 New York 'tomorrow' is already the day after", () => {
      const justAfterMidnight = { now: Date.parse('2026-11-23T05:01:00Z'), timeZone: NY };
      expect(resolveDay('today', justAfterMidnight)).toEqual({ ok: true, date: '2026-11-23' });
      expect(resolveDay('tomorrow', justAfterMidnight)).toEqual({ ok: true, date: '2026-11-24' });
    });

    it('follows a clinic far from UTC (Asia/Kolkata)', () => {
      // 20:00 UTC on the 23rd is 01:30 on the 24th in Kolkata.
      const kolkata = { now: Date.parse('2026-11-23T20:00:00Z'), timeZone: 'Asia/Kolkata' };
      expect(resolveDay('tomorrow', kolkata)).toEqual({ ok: true, date: '2026-11-25' });
    });
  });

  describe('stale years', () => {
    it('moves an explicit past year to the next occurrence of that month and day', () => {
      expect(resolveDay(`${year - 2}-12-03`, ctx)).toEqual({
        ok: true,
        date: `${year}-12-03`,
        corrected: { from: `${year - 2}-12-03`, to: `${year}-12-03` },
      });
      expect(resolveDay(`${year - 2}-03-12`, ctx)).toEqual({
        ok: true,
        date: `${year + 1}-03-12`,
        corrected: { from: `${year - 2}-03-12`, to: `${year + 1}-03-12` },
      });
    });

    it('lands on today when the month and day are today', () => {
      expect(resolveDay(`${year - 1}-11-24`, ctx)).toMatchObject({ ok: true, date: `${year}-11-24` });
    });

    it('corrects years written in words and in slashes too', () => {
      expect(resolveDay(`Dec 3 ${year - 2}`, ctx)).toMatchObject({ ok: true, date: `${year}-12-03` });
      expect(resolveDay(`12/3/${year - 2}`, ctx)).toMatchObject({ ok: true, date: `${year}-12-03` });
    });

    it('moves February 29 to the next leap year', () => {
      const leapNow = { now: Date.UTC(2026, 10, 24, 15), timeZone: NY };
      expect(resolveDay('2024-02-29', leapNow)).toEqual({
        ok: true,
        date: '2028-02-29',
        corrected: { from: '2024-02-29', to: '2028-02-29' },
      });
    });
  });

  describe('refusals', () => {
    it('refuses a past date of the current year', () => {
      const result = resolveDay(`${year}-03-12`, ctx);
      expect(result).toMatchObject({ ok: false, reason: 'past' });
      if (!result.ok) expectSpeakable(result.say);
    });

    it('refuses relative days in the past rather than "correcting" them', () => {
      expect(resolveDay('yesterday', ctx)).toMatchObject({ ok: false, reason: 'past' });
      expect(resolveDay('last monday', ctx)).toMatchObject({ ok: false, reason: 'past' });
      // New Year's Day: "yesterday" has an earlier year, but it was not written by anyone.
      const newYear = { now: DateTime.fromISO(`${year + 1}-01-01T10:00`, { zone: NY }).toMillis(), timeZone: NY };
      expect(resolveDay('yesterday', newYear)).toMatchObject({ ok: false, reason: 'past' });
    });

    it('refuses a weekday that contradicts its date, offering the date and the said weekday nearest it that has not gone', () => {
      const tuesday = { now: ny('2026-12-01T10:00'), timeZone: NY };
      const cases: Array<[string, string]> = [
        [
          'Tuesday the 9th',
          'December 9 is a Wednesday, not a Tuesday; did you mean Wednesday, December 9 or Tuesday, December 8?',
        ],
        [
          'Friday the 9th',
          'December 9 is a Wednesday, not a Friday; did you mean Wednesday, December 9 or Friday, December 11?',
        ],
        // The nearest Tuesday to the 2nd is today, which can still be booked.
        [
          'Tuesday the 2nd',
          'December 2 is a Wednesday, not a Tuesday; did you mean Wednesday, December 2 or Tuesday, December 1?',
        ],
        // The nearest Monday to the 2nd was yesterday, so the next one is offered.
        [
          'Monday the 2nd',
          'December 2 is a Wednesday, not a Monday; did you mean Wednesday, December 2 or Monday, December 7?',
        ],
        [
          'Thursday, January 8',
          'January 8, 2027 is a Friday, not a Thursday; did you mean Friday, January 8, 2027 or Thursday, January 7, 2027?',
        ],
      ];
      for (const [phrase, say] of cases) {
        const result = resolveDay(phrase, tuesday);
        expect(result, phrase).toEqual({ ok: false, reason: 'weekday_mismatch', say });
        if (!result.ok) expectSpeakable(result.say);
      }
    });

    it('asks which day when one phrase names two', () => {
      const result = resolveDay('Tuesday or Wednesday', ctx);
      expect(result).toEqual({
        ok: false,
        reason: 'ambiguous',
        say: 'Which day did you mean, Tuesday, December 1 or Wednesday, November 25?',
      });
      if (!result.ok) expectSpeakable(result.say);
    });

    it('refuses garbage with a speakable sentence', () => {
      const result = resolveDay('blorp', ctx);
      expect(result).toEqual({
        ok: false,
        reason: 'unparseable',
        say: 'I couldn\'t understand the date "blorp"; could you say it another way, like "next Tuesday"?',
      });
      if (!result.ok) expectSpeakable(result.say);
    });

    it('does not read digits or symbols back to the caller', () => {
      for (const text of ['', '2026-02-30', '{"date":"x"}']) {
        const result = resolveDay(text, ctx);
        expect(result).toMatchObject({ ok: false, reason: 'unparseable' });
        if (!result.ok) {
          expect(result.say).toBe(
            'I couldn\'t understand the date; could you say it another way, like "next Tuesday"?',
          );
        }
      }
    });
  });
});

describe('resolveStart', () => {
  it('respects the instant of an ISO string with an offset', () => {
    expect(resolveStart({ start: '2026-12-03T14:30:00-05:00' }, ctx)).toEqual({
      ok: true,
      start: Date.parse('2026-12-03T19:30:00Z'),
      localDate: '2026-12-03',
    });
    // The same instant, asked of a London clinic, is 19:30 there.
    expect(resolveStart({ start: '2026-12-03T14:30:00-05:00' }, { now: NOW, timeZone: 'Europe/London' })).toEqual({
      ok: true,
      start: Date.parse('2026-12-03T19:30:00Z'),
      localDate: '2026-12-03',
    });
    // Late evening UTC-5 is the next day in Kolkata.
    expect(resolveStart({ start: '2026-12-03T22:00:00-05:00' }, { now: NOW, timeZone: 'Asia/Kolkata' })).toMatchObject({
      ok: true,
      start: Date.parse('2026-12-04T03:00:00Z'),
      localDate: '2026-12-04',
    });
  });

  it("reads an ISO string without an offset as the clinic's wall time", () => {
    expect(resolveStart({ start: '2026-12-03T14:30' }, ctx)).toMatchObject({
      ok: true,
      start: Date.parse('2026-12-03T19:30:00Z'),
    });
    expect(resolveStart({ start: '2026-12-03 14:30:00' }, ctx)).toMatchObject({
      ok: true,
      start: Date.parse('2026-12-03T19:30:00Z'),
    });
    expect(resolveStart({ start: '2026-12-03T14:30' }, { now: NOW, timeZone: 'Asia/Kolkata' })).toMatchObject({
      ok: true,
      start: Date.parse('2026-12-03T09:00:00Z'),
    });
  });

  it('understands words', () => {
    expect(resolveStart({ start: 'tomorrow at 3pm' }, ctx)).toEqual({
      ok: true,
      start: ny('2026-11-25T15:00'),
      localDate: '2026-11-25',
    });
    expect(resolveStart({ start: 'December 3rd at 2:30 PM' }, ctx)).toMatchObject({
      ok: true,
      start: ny('2026-12-03T14:30'),
    });
    expect(resolveStart({ start: 'friday at noon' }, ctx)).toMatchObject({ ok: true, start: ny('2026-11-27T12:00') });
  });

  it('reads a bare hour from 1 to 6 as afternoon, but keeps a zero-padded 24-hour time literal', () => {
    expect(resolveStart({ start: 'tomorrow at 3' }, ctx)).toMatchObject({ ok: true, start: ny('2026-11-25T15:00') });
    expect(resolveStart({ start: 'tomorrow at 9' }, ctx)).toMatchObject({ ok: true, start: ny('2026-11-25T09:00') });
    expect(resolveStart({ date: '2026-12-03', time: '03:30' }, ctx)).toMatchObject({
      ok: true,
      start: ny('2026-12-03T03:30'),
    });
  });

  it('combines date and time in every common time format', () => {
    const cases: Array<[string, string]> = [
      ['15:30', '2026-12-03T15:30'],
      ['09:00', '2026-12-03T09:00'],
      ['3pm', '2026-12-03T15:00'],
      ['3:30 PM', '2026-12-03T15:30'],
      ['3:30 pm', '2026-12-03T15:30'],
      ['noon', '2026-12-03T12:00'],
    ];
    for (const [time, expected] of cases) {
      expect(resolveStart({ date: '2026-12-03', time }, ctx), time).toEqual({
        ok: true,
        start: ny(expected),
        localDate: '2026-12-03',
      });
    }
    expect(resolveStart({ date: 'tomorrow', time: '9am' }, ctx)).toMatchObject({
      ok: true,
      start: ny('2026-11-25T09:00'),
    });
  });

  it('lets `time` complete a day-only `start`, while a time inside `start` wins', () => {
    expect(resolveStart({ start: 'tomorrow', time: '3pm' }, ctx)).toMatchObject({
      ok: true,
      start: ny('2026-11-25T15:00'),
    });
    expect(resolveStart({ start: 'tomorrow at 9am', time: '3pm' }, ctx)).toMatchObject({
      ok: true,
      start: ny('2026-11-25T09:00'),
    });
    expect(resolveStart({ date: 'tomorrow at 9am', time: '3pm' }, ctx)).toMatchObject({
      ok: true,
      start: ny('2026-11-25T15:00'),
    });
  });

  it('takes a bare time as today when it is still ahead', () => {
    expect(resolveStart({ start: '3pm' }, ctx)).toEqual({
      ok: true,
      start: ny('2026-11-24T15:00'),
      localDate: '2026-11-24',
    });
    expect(resolveStart({ time: '3pm' }, ctx)).toMatchObject({ ok: true, start: ny('2026-11-24T15:00') });
  });

  it('refuses a time earlier today and suggests tomorrow', () => {
    for (const input of [{ time: '9am' }, { start: '9am' }, { start: 'today at 9am' }]) {
      const result = resolveStart(input, ctx);
      expect(result).toEqual({
        ok: false,
        reason: 'past',
        say: 'That time has already passed; would tomorrow at 9 AM work instead?',
        date: '2026-11-24',
      });
      if (!result.ok) expectSpeakable(result.say);
    }
  });

  it('refuses a past date of this year', () => {
    const result = resolveStart({ start: `${year}-03-12T10:00` }, ctx);
    expect(result).toMatchObject({ ok: false, reason: 'past' });
    if (!result.ok) {
      expect(result.say).toMatch(/^That date has already passed/);
      expectSpeakable(result.say);
    }
  });

  it('a bare weekday on that weekday means next week, for start times too', () => {
    expect(resolveStart({ start: 'Tuesday at 3pm' }, ctx)).toMatchObject({ ok: true, start: ny('2026-12-01T15:00') });
  });

  describe('stale years', () => {
    it('moves an ISO start with offset to this year, keeping the wall time', () => {
      expect(resolveStart({ start: `${year - 2}-12-03T14:30:00-05:00` }, ctx)).toEqual({
        ok: true,
        start: ny(`${year}-12-03T14:30`),
        localDate: `${year}-12-03`,
        corrected: { from: `${year - 2}-12-03`, to: `${year}-12-03` },
      });
    });

    it('moves a date + time to next year when the month and day have passed', () => {
      expect(resolveStart({ date: `${year - 1}-03-12`, time: '10:00' }, ctx)).toEqual({
        ok: true,
        start: ny(`${year + 1}-03-12T10:00`),
        localDate: `${year + 1}-03-12`,
        corrected: { from: `${year - 1}-03-12`, to: `${year + 1}-03-12` },
      });
    });

    it('still refuses when the corrected date is today and the time has passed', () => {
      expect(resolveStart({ start: `${year - 1}-11-24T09:00` }, ctx)).toMatchObject({ ok: false, reason: 'past' });
    });
  });

  it('follows the clock on DST days: a skipped wall time moves forward', () => {
    const march = { now: ny('2026-03-01T10:00'), timeZone: NY };
    expect(resolveStart({ date: '2026-03-08', time: '02:30' }, march)).toMatchObject({
      ok: true,
      start: Date.parse('2026-03-08T07:30:00Z'), // 03:30 EDT
    });
    expect(resolveStart({ date: '2026-03-08', time: '09:00' }, march)).toMatchObject({
      ok: true,
      start: Date.parse('2026-03-08T13:00:00Z'),
    });
  });

  it('asks for a time when only a day was given', () => {
    expect(resolveStart({ start: 'tomorrow' }, ctx)).toEqual({
      ok: false,
      reason: 'no_time',
      say: 'What time on Wednesday, November 25 would you like?',
      date: '2026-11-25',
    });
    expect(resolveStart({ date: '2026-12-03' }, ctx)).toMatchObject({ ok: false, reason: 'no_time' });
    expect(resolveStart({ start: '2026-12-03' }, ctx)).toMatchObject({ ok: false, reason: 'no_time' });
    expect(resolveStart({ start: 'next tuesday morning' }, ctx)).toMatchObject({ ok: false, reason: 'no_time' });
  });

  it('reports missing input', () => {
    expect(resolveStart({}, ctx)).toEqual({ ok: false, reason: 'missing', say: 'Which day and time would you like?' });
    expect(resolveStart({ start: '  ', date: '', time: ' ' }, ctx)).toMatchObject({ ok: false, reason: 'missing' });
  });

  it('refuses garbage with a speakable sentence', () => {
    const result = resolveStart({ start: 'blorp' }, ctx);
    expect(result).toEqual({
      ok: false,
      reason: 'unparseable',
      say: 'I couldn\'t understand the date "blorp"; could you say it another way, like "next Tuesday at 3 PM"?',
    });
    if (!result.ok) expectSpeakable(result.say);

    const badTime = resolveStart({ date: '2026-12-03', time: 'banana' }, ctx);
    expect(badTime).toMatchObject({ ok: false, reason: 'unparseable' });
    if (!badTime.ok) {
      expect(badTime.say).toContain('time "banana"');
      expectSpeakable(badTime.say);
    }
    expect(resolveStart({ start: '2026-02-30T10:00' }, ctx)).toMatchObject({ ok: false, reason: 'unparseable' });
    expect(resolveStart({ date: 'someday', time: '3pm' }, ctx)).toEqual({
      ok: false,
      reason: 'unparseable',
      say: 'I couldn\'t understand the date "someday"; could you say it another way, like "next Tuesday"?',
    });
  });
});
