import { DateTime } from 'luxon';
import { clinicDaysCovering, type Interval, openIntervalsOn } from './hours.ts';
import { spokenDate, spokenTime } from './spoken.ts';
import type { DateException, WeeklyHours } from './types.ts';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
/** How far "next open day" looks before it says there is none. */
const LOOKAHEAD_DAYS = 60;

export interface OpeningInput {
  providerIds: readonly string[];
  hours: readonly WeeklyHours[];
  exceptions: readonly DateException[];
  timeZone: string;
  now: number;
}

/** "9 AM", "5:30 PM", "midnight": wall times as they are said. */
export function spokenWallTime(wall: string): string {
  const [h, m] = wall.split(':').map(Number) as [number, number];
  if (h === 24 || (h === 0 && m === 0)) return 'midnight';
  const suffix = h < 12 ? 'AM' : 'PM';
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  return m === 0 ? `${hour12} ${suffix}` : `${hour12}:${String(m).padStart(2, '0')} ${suffix}`;
}

/**
 * The clinic's usual week in words, counting a day open when any provider works: "Monday to Friday 9 AM to 5 PM;
 * Saturday 9 AM to 12 PM; closed Sunday". Date exceptions are not part of the usual week.
 */
export function weeklySummary(input: Pick<OpeningInput, 'providerIds' | 'hours'>): string {
  const byDay = WEEKDAYS.map((_, i) => {
    const walls = input.hours
      .filter((h) => h.weekday === i + 1 && input.providerIds.includes(h.providerId))
      .map((h) => [h.start, h.end] as [string, string])
      .sort(([a], [b]) => a.localeCompare(b));
    const merged: Array<[string, string]> = [];
    for (const [start, end] of walls) {
      const last = merged[merged.length - 1];
      // biome-ignore lint/complexity/useMathMinMax: wall times are 'HH:MM' strings, compared as text
      if (last && start <= last[1]) last[1] = end > last[1] ? end : last[1];
      else merged.push([start, end]);
    }
    return merged.map(([s, e]) => `${spokenWallTime(s)} to ${spokenWallTime(e)}`).join(' and ');
  });
  const groups: Array<{ from: number; to: number; text: string }> = [];
  byDay.forEach((text, i) => {
    const last = groups[groups.length - 1];
    if (last && last.text === text && last.to === i - 1) last.to = i;
    else groups.push({ from: i, to: i, text });
  });
  if (groups.every((g) => g.text === '')) return 'no regular opening hours';
  return groups
    .map((g) => {
      const days = g.from === g.to ? WEEKDAYS[g.from]! : `${WEEKDAYS[g.from]} to ${WEEKDAYS[g.to]}`;
      return g.text ? `${days} ${g.text}` : `closed ${days}`;
    })
    .join('; ');
}

/** Whether anyone is working at `now`, exceptions included. */
export function openNow(input: OpeningInput): boolean {
  return openIntervalsAt(input, input.now, input.now).some((i) => i.start <= input.now && input.now < i.end);
}

/**
 * The first local day, from today, with opening hours still ahead, in words: "today from 2 PM to 5 PM",
 * "tomorrow from 9 AM to 5 PM", "Monday, July 20 from 9 AM to 1 PM and 2 PM to 6 PM"; null when none within 60 days.
 */
export function nextOpenDay(input: OpeningInput): { date: string; say: string } | null {
  const { now, timeZone: zone } = input;
  const last = DateTime.fromMillis(now, { zone }).plus({ days: LOOKAHEAD_DAYS }).toMillis();
  for (const day of clinicDaysCovering(now, last, zone)) {
    const intervals = mergedIntervals(input, day).filter((i) => i.end > now);
    if (intervals.length === 0) continue;
    const times = intervals
      .map((i) => `${spokenTime(Math.max(i.start, now), zone)} to ${spokenTime(i.end, zone)}`)
      .join(' and ');
    return { date: day.date, say: `${dayWords(day.date, zone, now)} from ${times}` };
  }
  return null;
}

function openIntervalsAt(input: OpeningInput, from: number, to: number): Interval[] {
  return clinicDaysCovering(from, to, input.timeZone).flatMap((day) => mergedIntervals(input, day));
}

function mergedIntervals(input: OpeningInput, day: ReturnType<typeof clinicDaysCovering>[number]): Interval[] {
  const all = input.providerIds
    .flatMap((p) => openIntervalsOn(p, day, input.hours, input.exceptions))
    .sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const i of all) {
    const last = merged[merged.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else merged.push({ start: i.start, end: i.end });
  }
  return merged;
}

function dayWords(date: string, zone: string, now: number): string {
  const today = DateTime.fromMillis(now, { zone }).toISODate();
  const tomorrow = DateTime.fromMillis(now, { zone }).plus({ days: 1 }).toISODate();
  if (date === today) return 'today';
  if (date === tomorrow) return 'tomorrow';
  return spokenDate(date, zone, now);
}
