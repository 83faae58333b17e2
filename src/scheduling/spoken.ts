import { DateTime } from 'luxon';
import { clinicZone } from './zone.ts';

// Pinned so the words never depend on the server's locale.
const LOCALE = 'en-US';

function inZone(ms: number, zone: string): DateTime {
  return DateTime.fromMillis(ms, { zone: clinicZone(zone), locale: LOCALE });
}

/** "2:30 PM", "9 AM": a spoken ":00" sounds robotic. */
export function spokenTime(ms: number, zone: string): string {
  return timeWords(inZone(ms, zone));
}

const timeWords = (at: DateTime) => at.toFormat(at.minute === 0 ? 'h a' : 'h:mm a');

// Calendar days between two local dates, from their fields: no zone lookups beyond the two DateTimes themselves.
const dayNumber = (d: DateTime) => Date.UTC(d.year, d.month - 1, d.day) / 86_400_000;

/** "today at 2:30 PM", "tomorrow at 9 AM", "Tuesday at 2:30 PM", "Tuesday, December 8 at 2:30 PM". */
export function spokenSlot(ms: number, zone: string, now: number): string {
  const at = inZone(ms, zone);
  const today = inZone(now, zone);
  const daysAhead = dayNumber(at) - dayNumber(today);
  const time = timeWords(at);
  if (daysAhead === 0) return `today at ${time}`;
  if (daysAhead === 1) return `tomorrow at ${time}`;
  // Within a week a bare weekday is unambiguous; further out it needs the date.
  if (daysAhead >= 2 && daysAhead <= 6) return `${at.toFormat('cccc')} at ${time}`;
  return `${dayWords(at, today)} at ${time}`;
}

/** "Thursday, December 3"; the year is added only when it is not the current one. */
export function spokenDate(date: string, zone: string, now: number): string {
  const day = DateTime.fromISO(date, { zone: clinicZone(zone), locale: LOCALE });
  if (!day.isValid) throw new RangeError(`Invalid local date "${date}"`);
  return dayWords(day, inZone(now, zone));
}

/** "a", "a or b", "a, b or c". */
export function spokenList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function dayWords(day: DateTime, today: DateTime): string {
  return day.toFormat(day.year === today.year ? 'cccc, LLLL d' : 'cccc, LLLL d, yyyy');
}
