import { DateTime } from 'luxon';
import { clinicZone } from './zone.ts';

// The clinic's local calendar day: the unit availability is searched, cached and locked by. Every "which day is
// this, and where does it begin and end" question asks here, so the coordinator's provider-days, the availability
// search and the alternatives offered can never disagree about a day (DST days are 23 or 25 hours long; where DST
// begins at midnight the day begins at 01:00).

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** 'YYYY-MM-DD' of an instant in a zone. Runs on every claim, so a cached Intl formatter instead of luxon. */
export function localDate(at: number, zone: string): string {
  let format = dateFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(zone, format);
  }
  return format.format(at);
}

const STEP_MS = 12 * 3_600_000; // shorter than any local day (23 hours at least), so no day is stepped over

/** The clinic-local days that [from, to) touches, in order. */
export function localDays(from: number, to: number, zone: string): string[] {
  const days: string[] = [];
  const add = (at: number) => {
    const day = localDate(at, zone);
    if (days[days.length - 1] !== day) days.push(day);
  };
  for (let at = from; at < to; at += STEP_MS) add(at);
  add(Math.max(from, to - 1));
  return days;
}

const bounds = new Map<string, { start: number; end: number }>();
/** Far more than the days a busy process asks about within a few minutes: then it starts again. */
const MAX_BOUNDS = 20_000;

/**
 * [start, end) of a clinic-local day given as 'YYYY-MM-DD'. Asked for every provider-day read, so luxon's answer is
 * kept per zone and day (a day's bounds never change; the caller must not mutate the object).
 */
export function dayBounds(day: string, zone: string): { readonly start: number; readonly end: number } {
  const key = `${zone} ${day}`;
  let found = bounds.get(key);
  if (!found) {
    const start = DateTime.fromISO(day, { zone: clinicZone(zone) }).startOf('day');
    found = { start: start.toMillis(), end: start.plus({ days: 1 }).startOf('day').toMillis() };
    if (bounds.size >= MAX_BOUNDS) bounds.clear();
    bounds.set(key, found);
  }
  return found;
}

/** [start, end) of the clinic-local day an instant falls on. */
export function dayAround(at: number, zone: string): { start: number; end: number } {
  return dayBounds(localDate(at, zone), zone);
}
