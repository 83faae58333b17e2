import { DateTime } from 'luxon';
import { clinicZone, type LocalTime, localTime } from './zone.ts';

// Pinned so the words never depend on the server's locale.
const LOCALE = 'en-US';

function inZone(ms: number, zone: string): DateTime {
  return DateTime.fromMillis(ms, { zone: clinicZone(zone), locale: LOCALE });
}

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "2:30 PM", "9 AM": a spoken ":00" sounds robotic. */
export function spokenTime(ms: number, zone: string): string {
  return timeWords(localTime(ms, zone));
}

// luxon's en-US 'h a' and 'h:mm a', from integer fields: these run for every slot offered.
function timeWords(at: LocalTime): string {
  const h = at.hour % 12 || 12;
  const meridiem = at.hour < 12 ? 'AM' : 'PM';
  return at.minute === 0 ? `${h} ${meridiem}` : `${h}:${String(at.minute).padStart(2, '0')} ${meridiem}`;
}

/** "today at 2:30 PM", "tomorrow at 9 AM", "Tuesday at 2:30 PM", "Tuesday, December 8 at 2:30 PM". */
export function spokenSlot(ms: number, zone: string, now: number): string {
  const at = localTime(ms, zone);
  const today = localTime(now, zone);
  const daysAhead = at.dayNumber - today.dayNumber;
  const time = timeWords(at);
  if (daysAhead === 0) return `today at ${time}`;
  if (daysAhead === 1) return `tomorrow at ${time}`;
  // Within a week a bare weekday is unambiguous; further out it needs the date.
  if (daysAhead >= 2 && daysAhead <= 6) return `${WEEKDAYS[at.weekday - 1]} at ${time}`;
  return `${WEEKDAYS[at.weekday - 1]}, ${MONTHS[at.month - 1]} ${at.day}${at.year === today.year ? '' : `, ${at.year}`} at ${time}`;
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
