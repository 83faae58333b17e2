import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { quietUntil, reminderTimes } from '../../../src/scheduling/reminder-times.ts';

const ZONE = 'America/New_York';
const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toMillis();
const rules = (hoursBefore: number[], quiet = { start: '21:00', end: '08:00' }) => ({
  timeZone: ZONE,
  hoursBefore,
  quiet,
});
const NOW = at('2026-03-01T12:00');

describe('reminderTimes', () => {
  it('reminds the given hours before, soonest first', () => {
    expect(reminderTimes(at('2026-03-10T10:00'), NOW, rules([2, 24]))).toEqual([
      at('2026-03-09T10:00'),
      at('2026-03-10T08:00'),
    ]);
  });

  it('moves a reminder inside the quiet hours to their end, the next morning when it falls in the evening', () => {
    expect(reminderTimes(at('2026-03-10T22:30'), NOW, rules([24]))).toEqual([at('2026-03-10T08:00')]);
    expect(reminderTimes(at('2026-03-10T07:30'), NOW, rules([24]))).toEqual([at('2026-03-09T08:00')]);
  });

  it('drops a reminder whose quiet-hours end is not before the appointment, and one already past', () => {
    expect(reminderTimes(at('2026-03-10T07:30'), NOW, rules([2]))).toEqual([]);
    expect(reminderTimes(at('2026-03-10T08:00'), NOW, rules([2]))).toEqual([]);
    expect(reminderTimes(at('2026-03-01T20:00'), NOW, rules([24, 2]))).toEqual([at('2026-03-01T18:00')]);
  });

  it('sends two reminders landing on the same instant once', () => {
    // 3 h and 2 h before 09:30 are 06:30 and 07:30, both moved to 08:00: one text.
    expect(reminderTimes(at('2026-03-10T09:30'), NOW, rules([3, 2]))).toEqual([at('2026-03-10T08:00')]);
  });

  it('counts real hours across a DST change and keeps quiet hours on the wall clock', () => {
    // 8 March 2026: clocks go forward at 02:00 in New York; 48 h before 10:00 on the 9th is 09:00 on the 7th.
    expect(reminderTimes(at('2026-03-09T10:00'), NOW, rules([48]))).toEqual([at('2026-03-07T09:00')]);
    expect(quietUntil(at('2026-03-08T03:30'), ZONE, { start: '21:00', end: '08:00' })).toBe(at('2026-03-08T08:00'));
  });

  it('knows quiet hours that do not cross midnight, and none when start equals end', () => {
    const lunch = { start: '12:00', end: '13:00' };
    expect(quietUntil(at('2026-03-10T12:30'), ZONE, lunch)).toBe(at('2026-03-10T13:00'));
    expect(quietUntil(at('2026-03-10T13:00'), ZONE, lunch)).toBeNull();
    expect(quietUntil(at('2026-03-10T03:00'), ZONE, { start: '00:00', end: '00:00' })).toBeNull();
    expect(reminderTimes(at('2026-03-10T07:30'), NOW, rules([24], { start: '00:00', end: '00:00' }))).toEqual([
      at('2026-03-09T07:30'),
    ]);
  });
});
