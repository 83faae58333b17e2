import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Sql } from '../../src/db/client.ts';
import { sha256 } from '../../src/domain/digest.ts';

/**
 * The benchmark clinic: many providers open long hours every day far ahead, so uncontended claims never run out of
 * free slots during a run. Times are planned here once and shared by every scenario (and the naive baseline).
 */
export const CLINIC = {
  /** Books in one step (no text-message code): the claim scenarios measure the claim path alone. */
  slug: 'bench',
  /** The same clinic with codes required, for the full call (reserve → send code → verify). */
  codesSlug: 'bench-codes',
  zone: 'America/New_York',
  providers: 20,
  opens: '07:00',
  closes: '19:00',
  horizonDays: 60,
  /** The one service: 30 minutes, no buffers, so 24 appointments per provider-day. */
  service: 'consultation',
  minutes: 30,
  /** The per-clinic hourly SMS cap (an SMS-pumping defence) at its ceiling: the full-call scenario sends hundreds. */
  otpSendsPerHour: 10_000,
} as const;

export const providerName = (i: number) => `Dr. Bench ${String(i + 1).padStart(2, '0')}`;

export interface BenchClinic {
  tenantId: string;
  slug: string;
  secret: string;
}

export async function createBenchClinic(
  sql: Sql,
  o: { slug: string; otpRequired: boolean; secret?: string } = { slug: CLINIC.slug, otpRequired: false },
): Promise<BenchClinic> {
  const secret = o.secret ?? randomBytes(24).toString('base64url');
  const tenantId = await sql.begin(async (tx) => {
    const [tenant] = await tx<{ id: string }[]>`
      insert into tenants (slug, name, time_zone, country, horizon_days, otp_required, otp_sends_per_hour, vapi_secret_sha256)
      values (${o.slug}, 'Benchmark Clinic', ${CLINIC.zone}, 'US', ${CLINIC.horizonDays}, ${o.otpRequired}, ${CLINIC.otpSendsPerHour}, ${sha256(secret)})
      returning id`;
    const id = tenant!.id;
    const names = Array.from({ length: CLINIC.providers }, (_, i) => providerName(i));
    await tx`insert into providers (tenant_id, name) select ${id}, unnest(${names}::text[])`;
    await tx`insert into services (tenant_id, slug, name, duration_minutes) values (${id}, ${CLINIC.service}, 'consultation', ${CLINIC.minutes})`;
    await tx`insert into provider_services (tenant_id, provider_id, service_id)
             select ${id}, p.id, s.id from providers p, services s where p.tenant_id = ${id} and s.tenant_id = ${id}`;
    await tx`insert into weekly_hours (tenant_id, provider_id, weekday, starts, ends)
             select ${id}, p.id, d, ${CLINIC.opens}::time, ${CLINIC.closes}::time
               from providers p, generate_series(1, 7) d where p.tenant_id = ${id}`;
    return id;
  });
  return { tenantId, slug: o.slug, secret };
}

export interface PlannedSlot {
  provider: string;
  /** ISO with the clinic's offset, as check_availability hands it to the model. */
  start: string;
}

const SLOTS_PER_DAY = 24;
/** Days 1..UNCONTENDED_DAYS are handed out to uncontended claims; the contended slots lie beyond them. */
const UNCONTENDED_DAYS = 50;
export const CONTENDED_DAY = 55;

function slotAt(dayOffset: number, provider: number, slot: number, today: DateTime): PlannedSlot {
  const [h, m] = CLINIC.opens.split(':').map(Number);
  const start = today.plus({ days: dayOffset }).set({ hour: h, minute: m }).plus({ minutes: slot * CLINIC.minutes });
  return { provider: providerName(provider), start: start.toISO({ suppressMilliseconds: true })! };
}

const today = () => DateTime.now().setZone(CLINIC.zone).startOf('day');

/**
 * Free slots handed out once each, spread so that consecutive claims land on different providers and days (claims
 * on one provider-day queue behind one lock; "uncontended" means they do not). Shared by every scenario of a run.
 */
export class FreeSlots {
  private next = 0;
  private readonly day0 = today();
  readonly capacity = CLINIC.providers * UNCONTENDED_DAYS * SLOTS_PER_DAY;

  take(): PlannedSlot {
    const i = this.next++ % this.capacity;
    const provider = i % CLINIC.providers;
    const day = 1 + (Math.floor(i / CLINIC.providers) % UNCONTENDED_DAYS);
    const slot = Math.floor(i / (CLINIC.providers * UNCONTENDED_DAYS));
    return slotAt(day, provider, slot, this.day0);
  }

  get taken(): number {
    return this.next;
  }
}

/**
 * The few slots every caller of the contention scenarios wants: the same slot of the day on each of the first
 * `count` providers. Another `slotOfDay` gives the warm-up its own slots.
 */
export function contendedSlots(count: number, slotOfDay: number): PlannedSlot[] {
  const day0 = today();
  return Array.from({ length: count }, (_, p) => slotAt(CONTENDED_DAY, p, slotOfDay, day0));
}

/** Every slot of the given providers on the days around the contended day: what the naive schema stores. */
export function slotsAroundContention(providers: number): PlannedSlot[] {
  const day0 = today();
  const out: PlannedSlot[] = [];
  for (let day = CONTENDED_DAY - 3; day <= CONTENDED_DAY + 3; day++) {
    for (let p = 0; p < providers; p++) for (let s = 0; s < SLOTS_PER_DAY; s++) out.push(slotAt(day, p, s, day0));
  }
  return out;
}
