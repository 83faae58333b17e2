import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { daysInAnyZone } from '../../../src/coordinator/provider-day.ts';
import { localDays } from '../../../src/scheduling/clinic-day.ts';

const NY = 'America/New_York';
const at = (iso: string, zone = NY) => DateTime.fromISO(iso, { zone }).toMillis();

describe('localDays', () => {
  it('names each clinic-local day a range touches, across a DST change', () => {
    expect(localDays(at('2026-03-07T22:00'), at('2026-03-10T01:00'), NY)).toEqual([
      '2026-03-07',
      '2026-03-08',
      '2026-03-09',
      '2026-03-10',
    ]);
    expect(localDays(at('2026-11-01T00:30'), at('2026-11-01T23:30'), NY)).toEqual(['2026-11-01']);
  });
  it('treats the end as exclusive and a short range as its one day', () => {
    expect(localDays(at('2026-03-07T22:00'), at('2026-03-08T00:00'), NY)).toEqual(['2026-03-07']);
    expect(localDays(at('2026-03-07T22:00'), at('2026-03-07T22:00') + 1, NY)).toEqual(['2026-03-07']);
  });
  it('uses the zone: the same instant is a different day in Tokyo', () => {
    expect(localDays(at('2026-03-07T22:00'), at('2026-03-07T23:00'), 'Asia/Tokyo')).toEqual(['2026-03-08']);
  });
});

describe('daysInAnyZone', () => {
  it('covers the local day of the range in every zone', () => {
    const from = at('2026-06-01T23:30', 'UTC');
    const days = daysInAnyZone(from, from + 30 * 60_000);
    for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', NY, 'Asia/Kolkata']) {
      for (const day of localDays(from, from + 30 * 60_000, zone)) expect(days).toContain(day);
    }
  });
});
