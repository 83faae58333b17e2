// When an appointment's reminders go out: pure arithmetic on the clinic's wall clock (DST-safe through luxon).
import { DateTime } from 'luxon';
import { clinicZone } from './zone.ts';

export interface QuietHours {
  /** "21:00": no texts from then… */
  start: string;
  /** …until "08:00" (the span may cross midnight); equal times mean none. */
  end: string;
}

export interface ReminderRules {
  timeZone: string;
  /** Hours before the start, e.g. [24, 2]. */
  hoursBefore: number[];
  quiet: QuietHours;
}

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
};

/** The end of the quiet hours `at` falls in, or null when it falls outside them. */
export function quietUntil(at: number, timeZone: string, quiet: QuietHours): number | null {
  const [start, end] = [minutesOf(quiet.start), minutesOf(quiet.end)];
  if (start === end) return null;
  const local = DateTime.fromMillis(at, { zone: clinicZone(timeZone) });
  const minute = local.hour * 60 + local.minute;
  const crossesMidnight = start > end;
  const inside = crossesMidnight ? minute >= start || minute < end : minute >= start && minute < end;
  if (!inside) return null;
  const day = crossesMidnight && minute >= start ? local.plus({ days: 1 }) : local;
  return day
    .startOf('day')
    .set({ hour: Math.floor(end / 60), minute: end % 60 })
    .toMillis();
}

/**
 * The instants an appointment starting at `start` is reminded at, soonest first. A reminder inside the quiet hours
 * moves to their end, and is dropped if that is not before the appointment; one already past at `now` is dropped
 * (the confirmation just sent says it all); two landing on the same instant are sent once.
 */
export function reminderTimes(start: number, now: number, rules: ReminderRules): number[] {
  const times = new Set<number>();
  for (const hours of rules.hoursBefore) {
    const planned = start - hours * 3_600_000;
    const at = quietUntil(planned, rules.timeZone, rules.quiet) ?? planned;
    if (at > now && at < start) times.add(at);
  }
  return [...times].sort((a, b) => a - b);
}
