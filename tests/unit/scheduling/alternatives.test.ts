import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { nearestAlternatives } from '../../../src/scheduling/alternatives.ts';
import type { Slot } from '../../../src/scheduling/types.ts';

const NY = 'America/New_York';
const at = (iso: string, providerId = 'ana'): Slot => {
  const start = DateTime.fromISO(iso, { zone: NY }).toMillis();
  return { providerId, start, end: start + 30 * 60_000 };
};
const label = (slots: Slot[]) =>
  slots.map((s) => `${DateTime.fromMillis(s.start, { zone: NY }).toFormat('MM-dd HH:mm')} ${s.providerId}`);

// Sorted as freeSlots returns them.
const free: Slot[] = [
  at('2026-11-23T10:00'),
  at('2026-11-23T11:00'),
  at('2026-11-24T09:00'),
  at('2026-11-24T10:30'),
  at('2026-11-24T11:30', 'ana'),
  at('2026-11-24T11:30', 'ben'),
  at('2026-11-24T14:00'),
  at('2026-11-25T09:00'),
  at('2026-11-25T09:30'),
];
const requested = at('2026-11-24T11:00').start;

describe('nearestAlternatives', () => {
  it('offers the closest times on the requested day first, earlier one first on ties', () => {
    expect(label(nearestAlternatives(free, requested, NY))).toEqual([
      '11-24 10:30 ana',
      '11-24 11:30 ana',
      '11-24 09:00 ana',
    ]);
  });

  it('then the following days in chronological order, one slot per start time, never an earlier day', () => {
    expect(label(nearestAlternatives(free, requested, NY, 10))).toEqual([
      '11-24 10:30 ana',
      '11-24 11:30 ana',
      '11-24 09:00 ana',
      '11-24 14:00 ana',
      '11-25 09:00 ana',
      '11-25 09:30 ana',
    ]);
  });

  it('goes to the next days when the requested day has nothing left', () => {
    const requestedLate = at('2026-11-24T18:00').start;
    const withoutTuesday = free.filter((s) => !label([s])[0]!.startsWith('11-24'));
    expect(label(nearestAlternatives(withoutTuesday, requestedLate, NY, 2))).toEqual([
      '11-25 09:00 ana',
      '11-25 09:30 ana',
    ]);
  });

  it("uses the clinic's local day, not the UTC day", () => {
    // 22:00 in New York on the 24th is already the 25th in UTC.
    const lateEvening = at('2026-11-24T22:00').start;
    expect(new Date(lateEvening).toISOString().slice(0, 10)).toBe('2026-11-25');
    expect(label(nearestAlternatives(free, lateEvening, NY, 1))).toEqual(['11-24 14:00 ana']);
  });

  it('returns nothing when nothing is free from the requested day on', () => {
    expect(nearestAlternatives(free, at('2026-11-26T09:00').start, NY)).toEqual([]);
    expect(nearestAlternatives([], requested, NY)).toEqual([]);
  });
});
