import { DateTime } from 'luxon';
import { clinicZone } from '../scheduling/zone.ts';

/** One provider's local calendar day: the unit claims are serialised, locked and cached by. */
export interface ProviderDay {
  tenantId: string;
  providerId: string;
  /** 'YYYY-MM-DD' in the clinic's zone, as `p_day::text` in the claim function's provider_day_lock_key. */
  day: string;
}

/** "tenant:provider/day": the same provider/day naming as provider_day_lock_key, scoped by tenant. */
export const providerDayKey = (d: ProviderDay) => `${d.tenantId}:${d.providerId}/${d.day}`;

/** The largest buffer a service can have (services.buffer_*_minutes check in migrations/001_foundation.sql). */
export const MAX_BUFFER_MS = 240 * 60_000;

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** 'YYYY-MM-DD' of an instant in a zone. Runs on every claim, so a cached Intl formatter instead of luxon. */
function localDate(at: number, zone: string): string {
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

/** [start, end) of a clinic-local day, DST-aware (23 or 25 hours on change days). */
export function dayBounds(day: string, zone: string): { start: number; end: number } {
  const start = DateTime.fromISO(day, { zone: clinicZone(zone) });
  return { start: start.toMillis(), end: start.plus({ days: 1 }).toMillis() };
}

const MAX_ZONE_OFFSET_MS = 14 * 3_600_000;

/**
 * Every local day that could hold the instant range [from, to) in any time zone. A change message carries no zone,
 * so invalidation covers these few days rather than looking the clinic up.
 */
export function daysInAnyZone(from: number, to: number): string[] {
  return localDays(from - MAX_ZONE_OFFSET_MS, to + MAX_ZONE_OFFSET_MS, 'UTC');
}
