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
  const start = today
    .plus({ days: dayOffset })
    .set({ hour: h, minute: m })
    .plus({ minutes: slot * CLINIC.minutes });
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
    return this.at(this.next++ % this.capacity);
  }

  private at(i: number): PlannedSlot {
    const provider = i % CLINIC.providers;
    const day = 1 + (Math.floor(i / CLINIC.providers) % UNCONTENDED_DAYS);
    const slot = Math.floor(i / (CLINIC.providers * UNCONTENDED_DAYS));
    return slotAt(day, provider, slot, this.day0);
  }

  get taken(): number {
    return this.next;
  }

  /**
   * Every slot `take` can hand out, counted from the same day as `take` (a run may cross the clinic's midnight):
   * what the naive server stores for its uncontended claims.
   */
  all(): PlannedSlot[] {
    return Array.from({ length: this.capacity }, (_, i) => this.at(i));
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

/** The memory scenario's clinics: how many, and how full their calendars are. */
export interface ManyClinics {
  clinics: number;
  providers: number;
  days: number;
  /** Confirmed 30-minute appointments per provider per day (of 24 slots, 07:00–19:00). */
  bookingsPerDay: number;
  seconds: number;
  /** The server's HEAP_GROWTH_PERCENT. */
  heapGrowthPercent: number;
}

/**
 * Clinics like the bench clinic, in bulk, with their calendars already partly booked: one statement per table,
 * bookings written directly (not through claim_slot) with triggers off, since only their presence matters here. The
 * EXCLUDE constraint still checks every row.
 */
export async function seedManyClinics(
  sql: Sql,
  m: ManyClinics,
): Promise<{ clinics: number; bookings: number; slugs: string[]; secret: string }> {
  const secret = randomBytes(24).toString('base64url');
  const step = Math.max(1, Math.floor(SLOTS_PER_DAY / Math.max(1, m.bookingsPerDay)));
  const bookings = await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx`
      insert into tenants (slug, name, time_zone, country, horizon_days, otp_sends_per_hour, vapi_secret_sha256)
      select 'mem-' || lpad(i::text, 5, '0'), 'Memory Clinic ' || i, ${CLINIC.zone}, 'US', ${m.days}, 1000, ${sha256(secret)}
        from generate_series(1, ${m.clinics}) i`;
    await tx`insert into providers (tenant_id, name)
             select t.id, 'Dr. Memory ' || lpad(p::text, 2, '0') from tenants t, generate_series(1, ${m.providers}) p where t.slug like 'mem-%'`;
    await tx`insert into services (tenant_id, slug, name, duration_minutes)
             select id, ${CLINIC.service}, 'consultation', ${CLINIC.minutes} from tenants where slug like 'mem-%'`;
    await tx`insert into provider_services (tenant_id, provider_id, service_id)
             select p.tenant_id, p.id, s.id from providers p join services s on s.tenant_id = p.tenant_id`;
    await tx`insert into weekly_hours (tenant_id, provider_id, weekday, starts, ends)
             select p.tenant_id, p.id, d, ${CLINIC.opens}::time, ${CLINIC.closes}::time from providers p, generate_series(1, 7) d`;
    await tx`insert into patients (tenant_id, phone_e164, name) select id, '+16175550100', 'Memory Patient' from tenants where slug like 'mem-%'`;
    const [row] = await tx<{ n: number }[]>`
      with made as (
        insert into bookings (tenant_id, provider_id, service_id, patient_id, status, starts_at, ends_at, occupied, confirmed_at)
        select p.tenant_id, p.id, s.id, pa.id, 'confirmed', x.st, x.st + interval '30 minutes',
               tstzrange(x.st, x.st + interval '30 minutes', '[)'), now()
          from providers p
          join services s on s.tenant_id = p.tenant_id
          join patients pa on pa.tenant_id = p.tenant_id,
               generate_series(1, ${m.days}) d,
               generate_series(0, ${m.bookingsPerDay - 1}) k,
               lateral (select ((current_date + d) + ${CLINIC.opens}::time + make_interval(mins => ${CLINIC.minutes} * ((k * ${step}) % ${SLOTS_PER_DAY})))
                                 at time zone ${CLINIC.zone} as st) x
        returning 1)
      select count(*)::int as n from made`;
    return row!.n;
  });
  const slugs = Array.from({ length: m.clinics }, (_, i) => `mem-${String(i + 1).padStart(5, '0')}`);
  return { clinics: m.clinics, bookings, slugs, secret };
}
