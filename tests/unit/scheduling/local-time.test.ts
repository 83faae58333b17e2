// The integer clinic-local arithmetic (zone.ts localTime/localHour/isoWithOffset, spoken.ts) must say exactly what luxon says:
// checked against luxon for random instants in zones with DST, southern DST, half-hour and negative offsets.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { spokenSlot, spokenTime } from '../../../src/scheduling/spoken.ts';
import { clinicZone, isoWithOffset, localHour, localTime } from '../../../src/scheduling/zone.ts';

const ZONES = [
  'America/New_York',
  'Europe/London',
  'Australia/Adelaide',
  'Asia/Kolkata',
  'America/Santiago',
  'Pacific/Chatham',
  'UTC',
];
// 2020–2035, on quarter hours and at arbitrary milliseconds.
const instant = fc.integer({ min: 1_577_836_800_000, max: 2_082_758_400_000 });

describe('clinic-local time without luxon objects', () => {
  it('reads the same wall-clock fields and ISO string as luxon', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...ZONES), (ms, zone) => {
        const dt = DateTime.fromMillis(ms, { zone: clinicZone(zone) }); // as the code did before: 'UTC' is an IANA zone here (+00:00, not Z)
        const t = localTime(ms, zone);
        expect([t.year, t.month, t.day, t.hour, t.minute, t.second, t.weekday, t.offset]).toEqual([
          dt.year,
          dt.month,
          dt.day,
          dt.hour,
          dt.minute,
          dt.second,
          dt.weekday,
          dt.offset,
        ]);
        expect(isoWithOffset(ms, zone)).toBe(dt.toISO({ suppressMilliseconds: true }));
        expect(localHour(ms, zone)).toBe(dt.hour);
      }),
      { numRuns: 3000 },
    );
  });

  it('speaks slots as the luxon formats did', () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: 0, max: 400 * 86_400_000 }),
        fc.constantFrom(...ZONES),
        (now, ahead, zone) => {
          const ms = now + ahead;
          const at = DateTime.fromMillis(ms, { zone, locale: 'en-US' });
          const today = DateTime.fromMillis(now, { zone, locale: 'en-US' });
          const days =
            Date.UTC(at.year, at.month - 1, at.day) / 86_400_000 -
            Date.UTC(today.year, today.month - 1, today.day) / 86_400_000;
          const time = at.toFormat(at.minute === 0 ? 'h a' : 'h:mm a');
          const day =
            days === 0
              ? 'today'
              : days === 1
                ? 'tomorrow'
                : days <= 6
                  ? at.toFormat('cccc')
                  : at.toFormat(at.year === today.year ? 'cccc, LLLL d' : 'cccc, LLLL d, yyyy');
          expect(spokenTime(ms, zone)).toBe(time);
          expect(spokenSlot(ms, zone, now)).toBe(`${day} at ${time}`);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
