import { describe, expect, it } from 'vitest';
import { resolveDay, resolveStart } from '../../../src/scheduling/dates.ts';
import { restoreProcessTzAfterAll } from '../../helpers/process-tz.ts';

// chrono-node works on JS Dates in the process time zone. These tests run the
// clinic-local day boundary under several process zones to prove that the
// server's TZ never leaks into "today" and "tomorrow".
restoreProcessTzAfterAll();

const NY = 'America/New_York';
const LATE_NIGHT = Date.parse('2026-11-23T04:59:00Z'); // Sunday 23:59 in New York
const JUST_AFTER_MIDNIGHT = Date.parse('2026-11-23T05:01:00Z'); // Monday 00:01 in New York

// Offsets (minutes behind UTC, as getTimezoneOffset reports them) on 2026-11-23.
const processZones: Array<[string, number]> = [
  ['UTC', 0],
  ['Asia/Tokyo', -540],
  ['Pacific/Kiritimati', -840],
  ['America/Los_Angeles', 480],
  ['Pacific/Pago_Pago', 660],
];

describe.each(processZones)('with the process running in %s', (zone, expectedOffset) => {
  it('really runs in that zone', () => {
    process.env.TZ = zone;
    expect(new Date(LATE_NIGHT).getTimezoneOffset()).toBe(expectedOffset);
  });

  it("resolves 'today' and 'tomorrow' from the clinic's date at 23:59", () => {
    process.env.TZ = zone;
    const ctx = { now: LATE_NIGHT, timeZone: NY };
    expect(resolveDay('today', ctx)).toEqual({ ok: true, date: '2026-11-22' });
    expect(resolveDay('tomorrow', ctx)).toEqual({ ok: true, date: '2026-11-23' });
    expect(resolveStart({ start: 'tomorrow at 9am' }, ctx)).toMatchObject({
      ok: true,
      start: Date.parse('2026-11-23T14:00:00Z'),
      localDate: '2026-11-23',
    });
  });

  it("resolves 'today', 'tomorrow' and weekdays from the clinic's date at 00:01", () => {
    process.env.TZ = zone;
    const ctx = { now: JUST_AFTER_MIDNIGHT, timeZone: NY };
    expect(resolveDay('today', ctx)).toEqual({ ok: true, date: '2026-11-23' });
    expect(resolveDay('tomorrow', ctx)).toEqual({ ok: true, date: '2026-11-24' });
    expect(resolveDay('wednesday', ctx)).toEqual({ ok: true, date: '2026-11-25' });
    expect(resolveDay('next tuesday morning', ctx)).toEqual({
      ok: true,
      date: '2026-12-01',
      timeOfDay: 'morning',
      interpreted: true,
    });
    expect(resolveStart({ start: '3pm' }, ctx)).toMatchObject({ ok: true, start: Date.parse('2026-11-23T20:00:00Z') });
  });
});
