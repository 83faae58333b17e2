import { IANAZone, Zone, type ZoneOffsetFormat, type ZoneOffsetOptions } from 'luxon';

const QUARTER_HOUR = 15 * 60_000;
const MAX_CACHED = 200_000;

/**
 * An IANA zone whose UTC offsets are remembered per quarter hour. Luxon asks Intl for the offset of every instant it
 * touches (≈10 µs each), and answering one availability request touches hundreds; offsets only change at
 * transitions, which in this century fall on quarter hours. A quarter hour whose two ends disagree holds a
 * transition and is never cached, so the answers are exactly luxon's own. Written here because luxon has no offset
 * cache and no maintained package adds one.
 */
class OffsetCachingZone extends Zone {
  private readonly offsets = new Map<number, number>();

  constructor(private readonly iana: IANAZone) {
    super();
  }

  override get type(): string {
    return 'iana';
  }
  override get name(): string {
    return this.iana.name;
  }
  get ianaName(): string {
    return this.iana.name;
  }
  override get isUniversal(): boolean {
    return false;
  }
  override get isValid(): boolean {
    return this.iana.isValid;
  }
  override offsetName(ts: number, options: ZoneOffsetOptions): string | null {
    return this.iana.offsetName(ts, options);
  }
  override formatOffset(ts: number, format: ZoneOffsetFormat): string {
    return this.iana.formatOffset(ts, format);
  }
  override equals(other: Zone): boolean {
    return other.type === 'iana' && other.name === this.name;
  }

  override offset(ts: number): number {
    const quarter = Math.floor(ts / QUARTER_HOUR);
    const cached = this.offsets.get(quarter);
    if (cached !== undefined) return cached;
    const first = this.iana.offset(quarter * QUARTER_HOUR);
    if (first !== this.iana.offset((quarter + 1) * QUARTER_HOUR - 1)) return this.iana.offset(ts);
    if (this.offsets.size >= MAX_CACHED) this.offsets.clear();
    this.offsets.set(quarter, first);
    return first;
  }
}

const zones = new Map<string, Zone>();

/** The luxon zone to use for a clinic's IANA time-zone name (one shared instance per name). */
export function clinicZone(name: string): Zone {
  let zone = zones.get(name);
  if (!zone) {
    const iana = IANAZone.create(name);
    // An invalid name stays luxon's invalid zone, so DateTimes built with it are invalid as before.
    zone = iana.isValid ? new OffsetCachingZone(iana) : iana;
    zones.set(name, zone);
  }
  return zone;
}

/** A clinic-local wall time, read from the offset cache with integer arithmetic (no luxon object). */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 1 = Monday … 7 = Sunday, as luxon numbers them. */
  weekday: number;
  /** Minutes east of UTC. */
  offset: number;
  /** Days since 1970-01-01 of the local date: two local dates' difference in calendar days. */
  dayNumber: number;
}

const DAY_MS = 86_400_000;

/**
 * The wall clock at `ms` in `zone`: the instant shifted by its cached offset, then read as UTC. Exactly luxon's
 * fields for the same instant (the offset is luxon's), at a fraction of the cost of a DateTime per slot.
 */
export function localTime(ms: number, zone: string): LocalTime {
  const offset = clinicZone(zone).offset(ms);
  const local = ms + offset * 60_000;
  const d = new Date(local);
  const dayNumber = Math.floor(local / DAY_MS);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: ((d.getUTCDay() + 6) % 7) + 1,
    offset,
    dayNumber,
  };
}

/** The clinic-local hour (0–23) at `ms`: `localTime(ms, zone).hour` without building the rest. */
export function localHour(ms: number, zone: string): number {
  const local = ms + clinicZone(zone).offset(ms) * 60_000;
  return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "2026-12-03T09:00:00-05:00": luxon's `toISO({ suppressMilliseconds: true })` for a whole-second instant in an IANA zone. */
export function isoWithOffset(ms: number, zone: string): string {
  const t = localTime(ms, zone);
  const sign = t.offset < 0 ? '-' : '+';
  const abs = Math.abs(t.offset);
  const millis = ((ms % 1000) + 1000) % 1000;
  const seconds = millis ? `${pad(t.second)}.${pad(millis, 3)}` : pad(t.second);
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${seconds}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
