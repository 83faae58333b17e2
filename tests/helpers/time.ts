import { DateTime } from 'luxon';

const ZONE = 'America/New_York';

/** A weekday (Mon–Fri) at least `daysAhead` days from today in the clinic's zone, at the wall time given. */
export function futureWeekday(time: string, daysAhead = 2, zone = ZONE): DateTime {
  const [h, m] = time.split(':').map(Number);
  let d = DateTime.now().setZone(zone).startOf('day').plus({ days: daysAhead });
  while (d.weekday > 5) d = d.plus({ days: 1 });
  return d.set({ hour: h, minute: m });
}

/** The first weekday (Mon–Fri) after `d`, at the same wall time: "the next working day" whatever today is. */
export function weekdayAfter(d: DateTime): DateTime {
  let next = d.plus({ days: 1 });
  while (next.weekday > 5) next = next.plus({ days: 1 });
  return next;
}

/** The next Saturday at least `daysAhead` days away, when the demo clinic is closed. */
export function futureSaturday(time: string, daysAhead = 2, zone = ZONE): DateTime {
  let d = futureWeekday('00:00', daysAhead, zone);
  while (d.weekday !== 6) d = d.plus({ days: 1 });
  const [h, m] = time.split(':').map(Number);
  return d.set({ hour: h, minute: m });
}

export const iso = (d: DateTime) => d.toISO({ suppressMilliseconds: true })!;

/** "1st", "2nd", "11th", "23rd": a day of the month as a caller's transcript writes it. */
export const ordinal = (n: number) =>
  `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`;
