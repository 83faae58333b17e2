import { DateTime } from 'luxon';
import { localDays } from './clinic-day.ts';
import type { DateException, Weekday, WeeklyHours } from './types.ts';
import { clinicZone } from './zone.ts';

export interface Interval {
  start: number;
  end: number;
}

// The UTC offsets at both ends let availability know whether wall-clock and
// elapsed time agree inside the interval (they differ only across a DST change).
export interface ZonedInterval extends Interval {
  startOffset: number;
  endOffset: number;
}

// One local date of one clinic. Wall-time conversions are memoised because all
// providers of a clinic share the same handful of 'HH:mm' values.
export interface ClinicDay {
  readonly date: string;
  readonly weekday: Weekday;
  at(wall: string): { ms: number; offset: number };
}

const WALL_TIME = /^(\d{2}):(\d{2})$/;
const MINUTE_MS = 60 * 1000;

/**
 * Wall times are resolved by luxon in `timeZone`:
 * - a wall time skipped by spring-forward moves forward by the gap
 *   (02:30 on 2026-03-08 in New York becomes 03:30 EDT);
 * - a wall time repeated by fall-back resolves to its second, standard-time
 *   occurrence (01:30 on 2026-11-01 in New York is 01:30 EST);
 * - '24:00' is the start of the next local date.
 * Both gap and overlap rules are what PostgreSQL does for timestamptz input in
 * a zone, which the SQL twin of this module relies on.
 */
function clinicDay(localDate: string, timeZone: string): ClinicDay {
  const start = DateTime.fromISO(localDate, { zone: clinicZone(timeZone) });
  if (!start.isValid || start.toISODate() !== localDate) {
    throw new RangeError(`Invalid local date "${localDate}" or time zone "${timeZone}"`);
  }
  return dayStartingAt(start, nextDayStart(start));
}

const clinicDays = new Map<string, ClinicDay>();
/** Far more than the days a busy process asks about within a few minutes: then it starts again. */
const MAX_CLINIC_DAYS = 20_000;

/**
 * Consecutive local dates from the one containing `first` to the one containing `last`. Every availability question
 * asks for its days, so each day of a zone is built once (luxon) and then shared; a ClinicDay never changes.
 */
export function clinicDaysCovering(first: number, last: number, timeZone: string): ClinicDay[] {
  if (!clinicZone(timeZone).isValid) throw new RangeError(`Invalid time zone "${timeZone}"`);
  return localDays(first, last + 1, timeZone).map((date) => {
    const key = `${timeZone} ${date}`;
    let day = clinicDays.get(key);
    if (!day) {
      day = clinicDay(date, timeZone);
      if (clinicDays.size >= MAX_CLINIC_DAYS) clinicDays.clear();
      clinicDays.set(key, day);
    }
    return day;
  });
}

// startOf('day') matters where DST begins at midnight (America/Santiago): that
// day starts at 01:00, and adding a day to it would land on 01:00 again.
function nextDayStart(start: DateTime<true>): DateTime<true> {
  return start.plus({ days: 1 }).startOf('day');
}

function dayStartingAt(start: DateTime<true>, next: DateTime<true>): ClinicDay {
  const { year, month, day } = start;
  // On a day without a DST change (nearly all of them) the wall clock advances
  // with elapsed time from midnight, so no zone look-up is needed. A DST-change
  // day, or one whose midnight does not exist, goes through luxon's zone rules.
  const steady = start.offset === next.offset && start.hour === 0 && start.minute === 0;
  const memo = new Map<string, { ms: number; offset: number }>();

  const convert = (wall: string): { ms: number; offset: number } => {
    const match = WALL_TIME.exec(wall);
    const hour = Number(match?.[1]);
    const minute = Number(match?.[2]);
    if (!match || minute > 59 || hour > 24 || (hour === 24 && minute !== 0)) {
      throw new RangeError(`Invalid wall time "${wall}"`);
    }
    if (hour === 24) return { ms: next.toMillis(), offset: next.offset };
    if (steady) return { ms: start.toMillis() + (hour * 60 + minute) * MINUTE_MS, offset: start.offset };
    const resolved = DateTime.fromObject({ year, month, day, hour, minute }, { zone: start.zone });
    return { ms: resolved.toMillis(), offset: resolved.offset };
  };

  return {
    date: start.toISODate(),
    weekday: start.weekday as Weekday,
    at(wall) {
      let point = memo.get(wall);
      if (!point) {
        point = convert(wall);
        memo.set(wall, point);
      }
      return point;
    },
  };
}

const weeklyIndexes = new WeakMap<readonly WeeklyHours[], Map<string, WeeklyHours[]>>();

/** A clinic's weekly hours by "provider weekday", built once per catalogue (which is replaced, never changed). */
function weeklyIndex(hours: readonly WeeklyHours[]): Map<string, WeeklyHours[]> {
  let index = weeklyIndexes.get(hours);
  if (!index) {
    index = new Map();
    for (const h of hours) {
      const key = `${h.providerId} ${h.weekday}`;
      const list = index.get(key);
      if (list) list.push(h);
      else index.set(key, [h]);
    }
    weeklyIndexes.set(hours, index);
  }
  return index;
}

/**
 * A closed exception (the provider's or clinic-wide) drops the weekly hours of
 * that date; every open exception then adds its interval. So closed + open on
 * one date replaces the day, and open alone adds extra hours.
 */
export function openIntervalsOn(
  providerId: string,
  day: ClinicDay,
  hours: readonly WeeklyHours[],
  exceptions: readonly DateException[],
): ZonedInterval[] {
  const appliesHere = (e: DateException): boolean =>
    e.date === day.date && (e.providerId === null || e.providerId === providerId);

  const walls: Array<[string, string]> = [];
  if (!exceptions.some((e) => e.kind === 'closed' && appliesHere(e))) {
    for (const h of weeklyIndex(hours).get(`${providerId} ${day.weekday}`) ?? []) walls.push([h.start, h.end]);
  }
  for (const e of exceptions) {
    // An open exception without times is invalid data; skipping it keeps one bad
    // row from taking down the availability of the whole clinic.
    if (e.kind === 'open' && appliesHere(e) && e.start && e.end) walls.push([e.start, e.end]);
  }

  const intervals: ZonedInterval[] = [];
  for (const [startWall, endWall] of walls) {
    const start = day.at(startWall);
    const end = day.at(endWall);
    // Empty when both ends fall into the same spring-forward gap.
    if (end.ms > start.ms) {
      intervals.push({ start: start.ms, end: end.ms, startOffset: start.offset, endOffset: end.offset });
    }
  }
  intervals.sort((a, b) => a.start - b.start);

  const merged: ZonedInterval[] = [];
  for (const next of intervals) {
    const last = merged[merged.length - 1];
    if (last && next.start <= last.end) {
      if (next.end > last.end) {
        last.end = next.end;
        last.endOffset = next.endOffset;
      }
    } else {
      merged.push({ ...next });
    }
  }
  return merged;
}

export function openIntervals(
  providerId: string,
  localDate: string,
  hours: readonly WeeklyHours[],
  exceptions: readonly DateException[],
  timeZone: string,
): Interval[] {
  return openIntervalsOn(providerId, clinicDay(localDate, timeZone), hours, exceptions).map(({ start, end }) => ({
    start,
    end,
  }));
}
