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
