import { localDays } from '../scheduling/clinic-day.ts';

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

const MAX_ZONE_OFFSET_MS = 14 * 3_600_000;

/**
 * Every local day that could hold the instant range [from, to) in any time zone. A change message carries no zone,
 * so invalidation covers these few days rather than looking the clinic up.
 */
export function daysInAnyZone(from: number, to: number): string[] {
  return localDays(from - MAX_ZONE_OFFSET_MS, to + MAX_ZONE_OFFSET_MS, 'UTC');
}
