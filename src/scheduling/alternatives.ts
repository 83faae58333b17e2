import { dayAround } from './clinic-day.ts';
import type { Slot } from './types.ts';

/**
 * What to offer when the requested time is taken: the closest free times on the
 * requested local day first (ties go to the earlier time), then the earliest
 * times of the following days. Earlier days are never offered: a caller who asked
 * for Thursday has usually ruled out the days before it. One slot per start time.
 */
export function nearestAlternatives(free: readonly Slot[], requested: number, timeZone: string, limit = 3): Slot[] {
  const { start: sameDayFrom, end: laterFrom } = dayAround(requested, timeZone);

  const distance = (slot: Slot): number => Math.abs(slot.start - requested);
  const sameDay = free
    .filter((slot) => slot.start >= sameDayFrom && slot.start < laterFrom)
    .sort((a, b) => distance(a) - distance(b) || a.start - b.start);
  const laterDays = free.filter((slot) => slot.start >= laterFrom).sort((a, b) => a.start - b.start);

  const picked: Slot[] = [];
  const seen = new Set<number>();
  for (const slot of [...sameDay, ...laterDays]) {
    if (picked.length >= limit) break;
    if (seen.has(slot.start)) continue;
    seen.add(slot.start);
    picked.push(slot);
  }
  return picked;
}
