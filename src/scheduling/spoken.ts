import { DateTime } from 'luxon';

// Pinned so the words never depend on the server's locale.
const LOCALE = 'en-US';

function inZone(ms: number, zone: string): DateTime {
  return DateTime.fromMillis(ms, { zone, locale: LOCALE });
}

/** "2:30 PM", "9 AM": a spoken ":00" sounds robotic. */
export function spokenTime(ms: number, zone: string): string {
  const at = inZone(ms, zone);
  return at.toFormat(at.minute === 0 ? 'h a' : 'h:mm a');
}

/** "today at 2:30 PM", "tomorrow at 9 AM", "Tuesday at 2:30 PM", "Tuesday, December 8 at 2:30 PM". */
export function spokenSlot(ms: number, zone: string, now: number): string {
  const day = inZone(ms, zone).startOf('day');
  const daysAhead = Math.round(day.diff(inZone(now, zone).startOf('day'), 'days').days);
  const time = spokenTime(ms, zone);
  if (daysAhead === 0) return `today at ${time}`;
  if (daysAhead === 1) return `tomorrow at ${time}`;
  // Within a week a bare weekday is unambiguous; further out it needs the date.
  if (daysAhead >= 2 && daysAhead <= 6) return `${day.toFormat('cccc')} at ${time}`;
  return `${spokenDay(day, zone, now)} at ${time}`;
}

/** "Thursday, December 3"; the year is added only when it is not the current one. */
export function spokenDate(date: string, zone: string, now: number): string {
  const day = DateTime.fromISO(date, { zone, locale: LOCALE });
  if (!day.isValid) throw new RangeError(`Invalid local date "${date}"`);
  return spokenDay(day, zone, now);
}

/** "a", "a or b", "a, b or c". */
export function spokenList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function spokenDay(day: DateTime, zone: string, now: number): string {
  const sameYear = day.year === inZone(now, zone).year;
  return day.toFormat(sameYear ? 'cccc, LLLL d' : 'cccc, LLLL d, yyyy');
}
