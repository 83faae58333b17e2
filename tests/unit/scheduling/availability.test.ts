import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  distinctStarts,
  type FreeSlotsInput,
  filterTimeOfDay,
  freeSlots,
  pickSpread,
} from '../../../src/scheduling/availability.ts';
import type { BusyRange, DateException, Slot, WeeklyHours } from '../../../src/scheduling/types.ts';

const NY = 'America/New_York';
const MIN = 60_000;
const utc = (iso: string): number => Date.parse(iso);
const local = (iso: string, zone = NY): number => DateTime.fromISO(iso, { zone }).toMillis();
const starts = (slots: Slot[]): string[] => slots.map((s) => new Date(s.start).toISOString());

const everyDay = (providerId: string, start: string, end: string): WeeklyHours[] =>
  ([1, 2, 3, 4, 5, 6, 7] as const).map((weekday) => ({ providerId, weekday, start, end }));

function input(overrides: Partial<FreeSlotsInput> & Pick<FreeSlotsInput, 'from' | 'to'>): FreeSlotsInput {
  return {
    rules: { timeZone: NY, slotStepMinutes: 30, minNoticeMinutes: 0, horizonDays: 365 },
    service: { id: 'checkup', durationMinutes: 30, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 },
    providerIds: ['ana'],
    hours: everyDay('ana', '09:00', '12:00'),
    exceptions: [],
    busy: [],
    now: utc('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}

// Monday 2026-11-23, opening hours 09:00–12:00 New York (14:00Z–17:00Z).
const MONDAY = { from: local('2026-11-23T00:00'), to: local('2026-11-24T00:00') };

describe('freeSlots', () => {
  it('steps through the opening hours and stops where the appointment no longer fits', () => {
    const slots = freeSlots(
      input({ ...MONDAY, service: { id: 'x', durationMinutes: 45, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 } }),
    );
    expect(starts(slots)).toEqual([
      '2026-11-23T14:00:00.000Z',
      '2026-11-23T14:30:00.000Z',
      '2026-11-23T15:00:00.000Z',
      '2026-11-23T15:30:00.000Z',
      '2026-11-23T16:00:00.000Z',
    ]);
    expect(slots.every((s) => s.end - s.start === 45 * MIN && s.providerId === 'ana')).toBe(true);
  });

  describe('DST', () => {
    const sundays: WeeklyHours[] = [{ providerId: 'ana', weekday: 7, start: '09:00', end: '17:00' }];

    it('spring-forward day (2026-03-08) keeps 09:00–17:00 EDT with 16 half-hour slots', () => {
      const slots = freeSlots(
        input({ hours: sundays, from: local('2026-03-08T00:00'), to: local('2026-03-09T00:00') }),
      );
      expect(slots).toHaveLength(16);
      expect(slots[0]).toEqual({
        providerId: 'ana',
        start: utc('2026-03-08T13:00:00Z'),
        end: utc('2026-03-08T13:30:00Z'),
      });
      expect(slots.at(-1)?.start).toBe(utc('2026-03-08T20:30:00Z'));
      expect(slots.map((s) => DateTime.fromMillis(s.start, { zone: NY }).toFormat('HH:mm')).slice(0, 3)).toEqual([
        '09:00',
        '09:30',
        '10:00',
      ]);
    });

    it('fall-back day (2026-11-01) keeps 09:00–17:00 EST with 16 half-hour slots', () => {
      const slots = freeSlots(
        input({ hours: sundays, from: local('2026-11-01T00:00'), to: local('2026-11-02T00:00') }),
      );
      expect(slots).toHaveLength(16);
      expect(slots[0]?.start).toBe(utc('2026-11-01T14:00:00Z'));
      expect(slots.at(-1)?.start).toBe(utc('2026-11-01T21:30:00Z'));
    });

    it('steps by wall-clock time through a spring-forward gap, dropping times that do not exist', () => {
      const night: DateException[] = [
        { providerId: 'ana', date: '2026-03-08', kind: 'open', start: '00:00', end: '05:00' },
      ];
      const slots = freeSlots(
        input({
          hours: [],
          exceptions: night,
          rules: { timeZone: NY, slotStepMinutes: 45, minNoticeMinutes: 0, horizonDays: 365 },
          service: { id: 'x', durationMinutes: 30, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 },
          from: local('2026-03-08T00:00'),
          to: local('2026-03-09T00:00'),
        }),
      );
      // Wall grid 00:00, 00:45, 01:30 EST, (02:15 does not exist), 03:00, 03:45, 04:30 EDT.
      expect(slots.map((s) => DateTime.fromMillis(s.start, { zone: NY }).toFormat('HH:mm'))).toEqual([
        '00:00',
        '00:45',
        '01:30',
        '03:00',
        '03:45',
        '04:30',
      ]);
      expect(starts(slots)).toEqual([
        '2026-03-08T05:00:00.000Z',
        '2026-03-08T05:45:00.000Z',
        '2026-03-08T06:30:00.000Z',
        '2026-03-08T07:00:00.000Z',
        '2026-03-08T07:45:00.000Z',
        '2026-03-08T08:30:00.000Z',
      ]);
    });

    it('steps by wall-clock time through a fall-back overlap, offering a repeated wall time once', () => {
      const night: DateException[] = [
        { providerId: 'ana', date: '2026-11-01', kind: 'open', start: '00:00', end: '04:00' },
      ];
      const slots = freeSlots(
        input({
          hours: [],
          exceptions: night,
          rules: { timeZone: NY, slotStepMinutes: 60, minNoticeMinutes: 0, horizonDays: 365 },
          service: { id: 'x', durationMinutes: 60, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 },
          from: local('2026-11-01T00:00'),
          to: local('2026-11-02T00:00'),
        }),
      );
      // Five elapsed hours but four wall-clock hours: 00:00 EDT, 01:00 EST, 02:00 EST, 03:00 EST.
      expect(starts(slots)).toEqual([
        '2026-11-01T04:00:00.000Z',
        '2026-11-01T06:00:00.000Z',
        '2026-11-01T07:00:00.000Z',
        '2026-11-01T08:00:00.000Z',
      ]);
    });
  });

  it('walks local days correctly where DST begins at midnight (America/Santiago)', () => {
    const santiago = 'America/Santiago';
    // 2026-09-06 starts at 01:00 -03; its 20:00–24:00 hours end at 2026-09-07 00:00 -03.
    const slots = freeSlots(
      input({
        hours: [
          { providerId: 'ana', weekday: 7, start: '20:00', end: '24:00' },
          { providerId: 'ana', weekday: 1, start: '00:00', end: '01:00' },
        ],
        rules: { timeZone: santiago, slotStepMinutes: 60, minNoticeMinutes: 0, horizonDays: 365 },
        service: { id: 'x', durationMinutes: 60, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 },
        from: local('2026-09-05T00:00', santiago),
        to: local('2026-09-08T00:00', santiago),
      }),
    );
    expect(starts(slots)).toEqual([
      '2026-09-06T23:00:00.000Z',
      '2026-09-07T00:00:00.000Z',
      '2026-09-07T01:00:00.000Z',
      '2026-09-07T02:00:00.000Z',
      '2026-09-07T03:00:00.000Z', // Monday 00:00
    ]);
  });

  it('works in Europe/London summer time and Asia/Kolkata (+05:30)', () => {
    const mondays: WeeklyHours[] = [{ providerId: 'ana', weekday: 1, start: '09:00', end: '10:00' }];
    const london = freeSlots(
      input({
        hours: mondays,
        rules: { timeZone: 'Europe/London', slotStepMinutes: 30, minNoticeMinutes: 0, horizonDays: 365 },
        from: utc('2026-07-06T00:00:00Z'),
        to: utc('2026-07-07T00:00:00Z'),
      }),
    );
    expect(starts(london)).toEqual(['2026-07-06T08:00:00.000Z', '2026-07-06T08:30:00.000Z']);

    const kolkata = freeSlots(
      input({
        hours: mondays,
        rules: { timeZone: 'Asia/Kolkata', slotStepMinutes: 30, minNoticeMinutes: 0, horizonDays: 365 },
        from: utc('2026-11-22T18:30:00Z'), // Monday 00:00 in Kolkata
        to: utc('2026-11-23T18:30:00Z'),
      }),
    );
    expect(starts(kolkata)).toEqual(['2026-11-23T03:30:00.000Z', '2026-11-23T04:00:00.000Z']);
  });

  describe('buffers', () => {
    it("a booking's buffers (part of its busy range) block neighbouring slots", () => {
      // A 10:00–10:30 booking with 10-minute buffers occupies 09:50–10:40.
      const busy: BusyRange[] = [
        { providerId: 'ana', start: local('2026-11-23T09:50'), end: local('2026-11-23T10:40') },
      ];
      const slots = freeSlots(input({ ...MONDAY, busy }));
      expect(slots.map((s) => DateTime.fromMillis(s.start, { zone: NY }).toFormat('HH:mm'))).toEqual([
        '09:00',
        '11:00',
        '11:30',
      ]);
    });

    it("a new slot's own buffers must stay clear of busy time, but may spill outside opening hours", () => {
      const busy: BusyRange[] = [
        { providerId: 'ana', start: local('2026-11-23T10:00'), end: local('2026-11-23T10:30') },
      ];
      const plain = freeSlots(input({ ...MONDAY, busy }));
      expect(plain.map((s) => DateTime.fromMillis(s.start, { zone: NY }).toFormat('HH:mm'))).toEqual([
        '09:00',
        '09:30',
        '10:30',
        '11:00',
        '11:30',
      ]);

      const buffered = freeSlots(
        input({
          ...MONDAY,
          busy,
          service: { id: 'x', durationMinutes: 30, bufferBeforeMinutes: 15, bufferAfterMinutes: 15 },
        }),
      );
      // 09:30 needs until 10:15 and 10:30 needs from 10:15; 11:30 ends 12:00 and its buffer runs to 12:15.
      expect(buffered.map((s) => DateTime.fromMillis(s.start, { zone: NY }).toFormat('HH:mm'))).toEqual([
        '09:00',
        '11:00',
        '11:30',
      ]);
      expect(buffered[0]?.end).toBe(local('2026-11-23T09:30')); // the slot itself excludes buffers
    });

    it('handles overlapping, unsorted busy ranges and ignores other providers', () => {
      const busy: BusyRange[] = [
        { providerId: 'ana', start: local('2026-11-23T10:15'), end: local('2026-11-23T11:00') },
        { providerId: 'ben', start: local('2026-11-23T09:00'), end: local('2026-11-23T12:00') },
        { providerId: 'ana', start: local('2026-11-23T09:00'), end: local('2026-11-23T10:20') },
      ];
      const slots = freeSlots(input({ ...MONDAY, busy }));
      expect(slots.map((s) => DateTime.fromMillis(s.start, { zone: NY }).toFormat('HH:mm'))).toEqual([
        '11:00',
        '11:30',
      ]);
    });
  });

  it('respects minimum notice', () => {
    const now = local('2026-11-23T09:10');
    const slots = freeSlots(
      input({ ...MONDAY, now, rules: { timeZone: NY, slotStepMinutes: 30, minNoticeMinutes: 60, horizonDays: 365 } }),
    );
    // 09:10 + 60 minutes = 10:10, so 10:00 is too soon and 10:30 is the first.
    expect(slots.map((s) => s.start)).toEqual([
      local('2026-11-23T10:30'),
      local('2026-11-23T11:00'),
      local('2026-11-23T11:30'),
    ]);
  });

  it('never offers a slot that has already started, even with no notice', () => {
    const slots = freeSlots(input({ ...MONDAY, now: local('2026-11-23T11:00') }));
    expect(slots.map((s) => s.start)).toEqual([local('2026-11-23T11:00'), local('2026-11-23T11:30')]);
  });

  it('stops at the horizon, counted in wall-clock days in the clinic zone', () => {
    const now = local('2026-11-23T08:00');
    const slots = freeSlots(
      input({
        now,
        from: now,
        to: local('2026-12-31T00:00'),
        rules: { timeZone: NY, slotStepMinutes: 30, minNoticeMinutes: 0, horizonDays: 2 },
      }),
    );
    expect(slots[0]?.start).toBe(local('2026-11-23T09:00'));
    expect(slots.at(-1)?.start).toBe(local('2026-11-24T11:30'));
    expect(slots).toHaveLength(12);
  });

  it('a horizon across fall-back ends at the same wall time, not 24 elapsed hours later', () => {
    const now = local('2026-10-31T10:00'); // EDT; one day later is 10:00 EST
    const slots = freeSlots(
      input({
        now,
        from: now,
        to: local('2026-11-05T00:00'),
        hours: [{ providerId: 'ana', weekday: 7, start: '09:00', end: '12:00' }],
        rules: { timeZone: NY, slotStepMinutes: 30, minNoticeMinutes: 0, horizonDays: 1 },
      }),
    );
    expect(starts(slots)).toEqual(['2026-11-01T14:00:00.000Z', '2026-11-01T14:30:00.000Z']);
  });

  it('keeps starts inside [from, to)', () => {
    const slots = freeSlots(input({ from: local('2026-11-23T10:00'), to: local('2026-11-23T11:00') }));
    expect(slots.map((s) => s.start)).toEqual([local('2026-11-23T10:00'), local('2026-11-23T10:30')]);
  });

  it('returns nothing for an empty or inverted range', () => {
    expect(freeSlots(input({ from: local('2026-11-23T11:00'), to: local('2026-11-23T11:00') }))).toEqual([]);
    expect(freeSlots(input({ from: local('2026-11-24T00:00'), to: local('2026-11-23T00:00') }))).toEqual([]);
  });

  it('applies closed, extra-hours and replace-the-day exceptions', () => {
    const exceptions: DateException[] = [
      { providerId: null, date: '2026-11-23', kind: 'closed' },
      { providerId: 'ana', date: '2026-11-24', kind: 'open', start: '12:00', end: '13:00' },
      { providerId: 'ana', date: '2026-11-25', kind: 'closed' },
      { providerId: 'ana', date: '2026-11-25', kind: 'open', start: '15:00', end: '16:00' },
    ];
    const slots = freeSlots(input({ exceptions, from: local('2026-11-23T00:00'), to: local('2026-11-26T00:00') }));
    const byDay = (date: string) =>
      slots
        .filter((s) => DateTime.fromMillis(s.start, { zone: NY }).toISODate() === date)
        .map((s) => DateTime.fromMillis(s.start, { zone: NY }).toFormat('HH:mm'));
    expect(byDay('2026-11-23')).toEqual([]);
    expect(byDay('2026-11-24')).toEqual(['09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '12:00', '12:30']);
    expect(byDay('2026-11-25')).toEqual(['15:00', '15:30']);
  });

  it('orders any-provider results by start, then by the order of providerIds', () => {
    const hours = [...everyDay('ana', '09:00', '10:00'), ...everyDay('ben', '09:30', '10:30')];
    const slots = freeSlots(input({ ...MONDAY, hours, providerIds: ['ben', 'ana'] }));
    expect(slots.map((s) => [DateTime.fromMillis(s.start, { zone: NY }).toFormat('HH:mm'), s.providerId])).toEqual([
      ['09:00', 'ana'],
      ['09:30', 'ben'],
      ['09:30', 'ana'],
      ['10:00', 'ben'],
    ]);
    const reversed = freeSlots(input({ ...MONDAY, hours, providerIds: ['ana', 'ben'] }));
    expect(reversed.map((s) => s.providerId)).toEqual(['ana', 'ana', 'ben', 'ben']);
  });

  it('only offers the providers asked for', () => {
    const hours = [...everyDay('ana', '09:00', '10:00'), ...everyDay('ben', '09:00', '10:00')];
    const slots = freeSlots(input({ ...MONDAY, hours, providerIds: ['ben'] }));
    expect(new Set(slots.map((s) => s.providerId))).toEqual(new Set(['ben']));
  });

  it('rejects a non-positive step or duration instead of looping forever', () => {
    expect(() =>
      freeSlots(
        input({ ...MONDAY, rules: { timeZone: NY, slotStepMinutes: 0, minNoticeMinutes: 0, horizonDays: 30 } }),
      ),
    ).toThrow(RangeError);
  });

  it('computes 60 days for 5 providers with hundreds of bookings', () => {
    const providerIds = ['p1', 'p2', 'p3', 'p4', 'p5'];
    const hours = providerIds.flatMap((id) =>
      ([1, 2, 3, 4, 5, 6] as const).flatMap((weekday) => [
        { providerId: id, weekday, start: '08:00', end: '12:00' },
        { providerId: id, weekday, start: '13:00', end: '18:00' },
      ]),
    );
    const from = local('2026-11-23T00:00');
    const busy: BusyRange[] = providerIds.flatMap((providerId, p) =>
      Array.from({ length: 120 }, (_, i) => {
        const start = from + i * 12 * 60 * MIN + p * 45 * MIN;
        return { providerId, start, end: start + 40 * MIN };
      }),
    );
    const run = () =>
      freeSlots(
        input({
          providerIds,
          hours,
          busy,
          from,
          to: local('2027-01-22T00:00'),
          now: from,
          rules: { timeZone: NY, slotStepMinutes: 15, minNoticeMinutes: 60, horizonDays: 90 },
        }),
      );
    // Speed is the benchmark's business (bench/); here only that a large input comes out whole and ordered.
    const first = run();
    expect(first.length).toBeGreaterThan(5_000);
    expect(first.every((slot, i) => i === 0 || slot.start >= first[i - 1]!.start)).toBe(true);
  });
});

describe('filterTimeOfDay', () => {
  const at = (iso: string): Slot => ({ providerId: 'ana', start: local(iso), end: local(iso) + 30 * MIN });
  const slots = [
    at('2026-11-23T08:00'),
    at('2026-11-23T11:59'),
    at('2026-11-23T12:00'),
    at('2026-11-23T16:59'),
    at('2026-11-23T17:00'),
    at('2026-11-23T20:00'),
  ];
  const hhmm = (list: Slot[]) => list.map((s) => DateTime.fromMillis(s.start, { zone: NY }).toFormat('HH:mm'));

  it('splits the day at 12:00 and 17:00 clinic-local time', () => {
    expect(hhmm(filterTimeOfDay(slots, 'morning', NY))).toEqual(['08:00', '11:59']);
    expect(hhmm(filterTimeOfDay(slots, 'afternoon', NY))).toEqual(['12:00', '16:59']);
    expect(hhmm(filterTimeOfDay(slots, 'evening', NY))).toEqual(['17:00', '20:00']);
  });

  it('uses the given zone, not UTC', () => {
    // 08:00 New York is 13:00 in London.
    expect(filterTimeOfDay([at('2026-11-23T08:00')], 'afternoon', 'Europe/London')).toHaveLength(1);
    expect(filterTimeOfDay([at('2026-11-23T08:00')], 'morning', 'Europe/London')).toHaveLength(0);
  });

  it('keeps everything when no time of day is asked for', () => {
    expect(filterTimeOfDay(slots, undefined, NY)).toEqual(slots);
  });
});

describe('pickSpread', () => {
  const grid = (count: number, providerId = 'ana'): Slot[] =>
    Array.from({ length: count }, (_, i) => ({ providerId, start: i * 30 * MIN, end: (i + 1) * 30 * MIN }));

  it('spreads picks from the first to the last slot', () => {
    const slots = grid(10);
    expect(pickSpread(slots, 3)).toEqual([slots[0], slots[5], slots[9]]);
    expect(pickSpread(slots, 4)).toEqual([slots[0], slots[3], slots[6], slots[9]]);
  });

  it('returns every distinct start when there are no more than n', () => {
    expect(pickSpread(grid(2), 3)).toEqual(grid(2));
    expect(pickSpread([], 3)).toEqual([]);
  });

  it('offers one provider per start time', () => {
    const interleaved = grid(4, 'ana').flatMap((s) => [s, { ...s, providerId: 'ben' }]);
    const picked = pickSpread(interleaved, 3);
    expect(picked.map((s) => s.start)).toEqual([0, 60 * MIN, 90 * MIN]);
    expect(picked.every((s) => s.providerId === 'ana')).toBe(true);
    expect(new Set(pickSpread(interleaved, 10).map((s) => s.start)).size).toBe(4);
  });

  it('handles n of 1 and 0', () => {
    expect(pickSpread(grid(5), 1)).toEqual([grid(5)[0]]);
    expect(pickSpread(grid(5), 0)).toEqual([]);
  });

  it('distinctStarts keeps the first provider of each start, in order', () => {
    const interleaved = grid(3, 'ana').flatMap((s) => [{ ...s, providerId: 'ben' }, s]);
    expect(distinctStarts(interleaved)).toEqual(grid(3, 'ben'));
  });
});

describe('open slots kept between requests about the same day', () => {
  const hours = everyDay('ana', '09:00', '12:00');
  const exceptions: DateException[] = [];

  it('answer as if worked out afresh, clipped to the time of asking', () => {
    const early = freeSlots(input({ ...MONDAY, hours, exceptions }));
    expect(early).toHaveLength(6);
    // Asked again at 10:10 the same morning: the same day, clipped by the notice.
    const later = freeSlots(input({ ...MONDAY, hours, exceptions, now: local('2026-11-23T10:10') }));
    expect(starts(later)).toEqual(starts(early).slice(3));
    expect(freeSlots(input({ ...MONDAY, hours, exceptions }))).toEqual(early);
  });

  it('see a catalog change at once: new hours or a new closure', () => {
    expect(freeSlots(input({ ...MONDAY, hours, exceptions }))).toHaveLength(6);
    expect(freeSlots(input({ ...MONDAY, hours: everyDay('ana', '09:00', '10:00'), exceptions }))).toHaveLength(2);
    const closed: DateException[] = [{ providerId: null, date: '2026-11-23', kind: 'closed' }];
    expect(freeSlots(input({ ...MONDAY, hours, exceptions: closed }))).toEqual([]);
  });

  it('over several days: by start, then in the order the providers were asked for', () => {
    const both = [...everyDay('ana', '09:00', '12:00'), ...everyDay('ben', '08:00', '23:30')];
    const slots = freeSlots(
      input({ hours: both, exceptions, providerIds: ['ben', 'ana'], from: MONDAY.from, to: local('2026-11-26T00:00') }),
    );
    expect(slots).toHaveLength(3 * (6 + 31));
    for (const [a, b] of slots.slice(1).map((s, i) => [slots[i]!, s] as const)) {
      expect(a.start < b.start || (a.start === b.start && a.providerId === 'ben' && b.providerId === 'ana')).toBe(true);
    }
  });

  it('hand each caller a list of its own, and slots nobody can change', () => {
    const first = freeSlots(input({ ...MONDAY, hours, exceptions }));
    first.splice(0, 3);
    expect(() => {
      (first[0] as { start: number }).start = 0;
    }).toThrow(TypeError);
    expect(freeSlots(input({ ...MONDAY, hours, exceptions }))).toHaveLength(6);
  });
});
