import { LRUCache } from 'lru-cache';
import { DateTime } from 'luxon';
import { type ClinicDay, clinicDaysCovering, type Interval, openIntervalsOn, type ZonedInterval } from './hours.ts';
import type { BusyRange, DateException, SchedulingRules, ServiceSpec, Slot, TimeOfDay, WeeklyHours } from './types.ts';
import { clinicZone, localHour } from './zone.ts';

const MINUTE = 60_000;
const MINUTES_PER_DAY = 24 * 60;

export interface FreeSlotsInput {
  rules: SchedulingRules;
  service: ServiceSpec;
  providerIds: string[];
  hours: WeeklyHours[];
  exceptions: DateException[];
  busy: BusyRange[];
  from: number;
  to: number;
  now: number;
}

/**
 * Bookable appointment times, sorted by start and then by the order of
 * `providerIds`. Only the appointment itself must fit inside opening hours; its
 * buffers may spill outside them but must not touch another booking's busy range.
 */
export function freeSlots(input: FreeSlotsInput): Slot[] {
  return withoutBusy(openSlots(input), input.busy, input.service);
}

/**
 * The times `freeSlots` would offer if nothing were booked: opening hours, notice, horizon and step. Computed before
 * any booking is read, so a question that no opening can answer (a closed day, an evening at a clinic that shuts at
 * five) reads none, and a read covers only the time these slots occupy.
 */
export function openSlots(input: Omit<FreeSlotsInput, 'busy'>): Slot[] {
  const { rules, service, now } = input;
  const zone = rules.timeZone;
  if (!(rules.slotStepMinutes > 0) || !(service.durationMinutes > 0)) {
    throw new RangeError('slotStepMinutes and durationMinutes must be positive');
  }
  if (!clinicZone(zone).isValid) throw new RangeError(`Invalid time zone "${zone}"`);

  const earliest = Math.max(input.from, now + rules.minNoticeMinutes * MINUTE);
  const latest = Math.min(input.to, horizonEnd(now, rules.horizonDays, zone));
  if (earliest >= latest) return [];

  const providerIds = [...new Set(input.providerIds)];
  const days = clinicDaysCovering(earliest, latest - 1, zone);
  // A day's opening intervals lie within that day (hours.ts), so the days' grids follow one another in start order.
  const slots: Slot[] = [];
  for (const day of days)
    for (const slot of dayGrid(input, providerIds, day))
      if (slot.start >= earliest && slot.start < latest) slots.push(slot);
  return slots;
}

/**
 * A clinic day's appointment times for these providers, before notice and horizon clip them: they depend on the
 * catalog and the question only, not on the time of asking, so they are worked out once and kept for the requests
 * that ask about the same day (most ask about the same few). The catalog's hours and exceptions count by identity:
 * a catalog change brings new ones, and entries about the old ones age out. Bounded, least recently used first.
 */
function dayGrid(input: Omit<FreeSlotsInput, 'busy'>, providerIds: string[], day: ClinicDay): readonly Slot[] {
  const { rules, service, hours, exceptions } = input;
  const key = `${identity(hours)}:${identity(exceptions)}|${rules.timeZone}|${rules.slotStepMinutes}|${service.durationMinutes}|${day.date}|${providerIds.join(',')}`;
  const kept = grids.get(key);
  if (kept) return kept;
  const durationMs = service.durationMinutes * MINUTE;
  // By start time, each start's slots in the order of providerIds (added provider by provider): few distinct starts
  // to sort instead of every slot.
  const byStart = new Map<number, Slot[]>();
  for (const providerId of providerIds) {
    for (const interval of openIntervalsOn(providerId, day, hours, exceptions)) {
      for (const start of candidateStarts(interval, rules.slotStepMinutes, rules.timeZone)) {
        const end = start + durationMs;
        if (end > interval.end) break;
        // Frozen: every request that asks about this day shares it.
        const slot = Object.freeze({ providerId, start, end });
        const same = byStart.get(start);
        if (same) same.push(slot);
        else byStart.set(start, [slot]);
      }
    }
  }
  const slots: Slot[] = [];
  for (const start of [...byStart.keys()].sort((a, b) => a - b))
    for (const slot of byStart.get(start)!) slots.push(slot);
  grids.set(key, slots);
  return slots;
}

/** A few hundred clinic-days of the busiest clinics: at 20 providers a day is about a thousand slots. */
const grids = new LRUCache<string, readonly Slot[]>({ max: 256 });
const identities = new WeakMap<object, number>();
let lastIdentity = 0;

function identity(o: object): number {
  let id = identities.get(o);
  if (id === undefined) {
    id = ++lastIdentity;
    identities.set(o, id);
  }
  return id;
}

const horizons = new LRUCache<string, number>({ max: 10_000 });

/**
 * `now` plus `days` calendar days at the same wall time in the clinic's zone (luxon's `plus`), worked out once per
 * zone, horizon and minute: within a minute the answer moves with `now` (zone transitions fall on whole minutes).
 */
function horizonEnd(now: number, days: number, zone: string): number {
  const minute = Math.floor(now / MINUTE) * MINUTE;
  const key = `${zone} ${days} ${minute}`;
  let end = horizons.get(key);
  if (end === undefined) {
    end = DateTime.fromMillis(minute, { zone: clinicZone(zone) })
      .plus({ days })
      .toMillis();
    horizons.set(key, end);
  }
  return end + (now - minute);
}

/**
 * The slots (in start order, as `openSlots` gives them) whose occupied time, buffers included, touches none of
 * their provider's busy ranges.
 */
export function withoutBusy(slots: readonly Slot[], busy: readonly BusyRange[], service: ServiceSpec): Slot[] {
  const beforeMs = service.bufferBeforeMinutes * MINUTE;
  const afterMs = service.bufferAfterMinutes * MINUTE;
  const busyByProvider = mergedBusyByProvider(busy);
  // A provider's slots only move forward in time, so ranges that ended before one slot's occupied time began can
  // never block a later one of the same provider.
  const firstRelevant = new Map<string, number>();
  return slots.filter((slot) => {
    const blocked = busyByProvider.get(slot.providerId);
    if (!blocked) return true;
    const occupiedStart = slot.start - beforeMs;
    let i = firstRelevant.get(slot.providerId) ?? 0;
    while ((blocked[i]?.end ?? Infinity) <= occupiedStart) i++;
    firstRelevant.set(slot.providerId, i);
    const next = blocked[i];
    return !(next && next.start < slot.end + afterMs);
  });
}

/**
 * morning: before 12:00, afternoon: 12:00–16:59, evening: from 17:00 (clinic-local
 * start). No `tod` keeps every slot, so callers can pass an optional preference through.
 */
export function filterTimeOfDay(slots: readonly Slot[], tod: TimeOfDay | undefined, timeZone: string): Slot[] {
  if (!tod) return [...slots];
  return slots.filter((slot) => {
    const hour = localHour(slot.start, timeZone);
    const period: TimeOfDay = hour < 12 ? 'morning' : hour < 17 ? 'afternoon' : 'evening';
    return period === tod;
  });
}

/**
 * Up to `n` slots spread evenly over the list, always starting with the first and
 * ending with the last, so a voice assistant offers "9, 11:30 or 2:30" instead of
 * three neighbours. Only the first slot of each start time is considered, so
 * several providers free at 9:00 cost one offer, not three.
 */
export function pickSpread(slots: readonly Slot[], n: number): Slot[] {
  const distinct = distinctStarts(slots);
  const count = Math.floor(n);
  if (distinct.length <= count) return distinct;
  if (count <= 0) return [];
  if (count === 1) return distinct.slice(0, 1);
  const last = distinct.length - 1;
  return Array.from({ length: count }, (_, i) => distinct[Math.round((i * last) / (count - 1))]!);
}

/** The first slot of each start time, in order: a caller is offered a time once, whoever has it free. */
export function distinctStarts(slots: readonly Slot[]): Slot[] {
  const seen = new Set<number>();
  return slots.filter((slot) => {
    if (seen.has(slot.start)) return false;
    seen.add(slot.start);
    return true;
  });
}

function mergedBusyByProvider(busy: readonly BusyRange[]): Map<string, Interval[]> {
  const byProvider = new Map<string, Interval[]>();
  for (const range of [...busy].sort((a, b) => a.start - b.start)) {
    if (range.end <= range.start) continue;
    const ranges = byProvider.get(range.providerId);
    const last = ranges?.[ranges.length - 1];
    if (!ranges) byProvider.set(range.providerId, [{ start: range.start, end: range.end }]);
    else if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else ranges.push({ start: range.start, end: range.end });
  }
  return byProvider;
}

/**
 * Starts step by wall-clock minutes from the interval's start. Without a DST
 * change inside the interval that equals stepping elapsed time, the cheap common
 * case. Across a change each wall time is resolved like the opening hours
 * themselves (see hours.ts): wall times skipped by spring-forward are dropped,
 * and a wall time that occurs twice is offered once.
 */
function candidateStarts(interval: ZonedInterval, stepMinutes: number, zone: string): number[] {
  const starts: number[] = [];
  if (interval.startOffset === interval.endOffset) {
    for (let t = interval.start; t < interval.end; t += stepMinutes * MINUTE) starts.push(t);
    return starts;
  }
  const { year, month, day, hour, minute } = DateTime.fromMillis(interval.start, { zone: clinicZone(zone) });
  for (let wall = hour * 60 + minute; wall < MINUTES_PER_DAY; wall += stepMinutes) {
    const at = DateTime.fromObject(
      { year, month, day, hour: Math.floor(wall / 60), minute: wall % 60 },
      { zone: clinicZone(zone) },
    );
    const t = at.toMillis();
    if (t >= interval.end) break;
    const existsOnClock = at.hour * 60 + at.minute === wall;
    if (existsOnClock && t > (starts[starts.length - 1] ?? -Infinity)) starts.push(t);
  }
  return starts;
}
