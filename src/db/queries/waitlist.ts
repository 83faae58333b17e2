import type { TimeOfDay } from '../../scheduling/types.ts';
import type { Sql } from '../client.ts';
import type { TenantTx } from '../tenant-scope.ts';

export interface NewWaitlistEntry {
  tenantId: string;
  phone: string;
  patientName: string | null;
  serviceId: string;
  providerId: string | null;
  fromDate: string;
  toDate: string;
  timeOfDay: TimeOfDay | null;
  source: 'call' | 'staff';
  vapiCallId: string | null;
}

export interface WaitlistEntryRow {
  id: string;
  phoneE164: string;
  patientName: string | null;
  serviceId: string;
  providerId: string | null;
  fromDate: string;
  toDate: string;
  timeOfDay: TimeOfDay | null;
  status: 'waiting' | 'booked' | 'removed';
  source: 'call' | 'staff';
  bookingId: string | null;
  createdAt: Date;
}

const ENTRY = `id, phone_e164, patient_name, service_id, provider_id, from_date::text, to_date::text, time_of_day, status,
  source, booking_id, created_at`;

/** Adds an entry; the same call asking twice for the same service finds its first entry. */
export async function insertWaitlistEntry(tx: TenantTx, e: NewWaitlistEntry): Promise<WaitlistEntryRow> {
  const [row] = await tx<WaitlistEntryRow[]>`
    insert into waitlist_entries (tenant_id, phone_e164, patient_name, service_id, provider_id, from_date, to_date,
                                  time_of_day, source, vapi_call_id)
    values (${e.tenantId}, ${e.phone}, ${e.patientName}, ${e.serviceId}, ${e.providerId}, ${e.fromDate}, ${e.toDate},
            ${e.timeOfDay}, ${e.source}, ${e.vapiCallId})
    on conflict (tenant_id, vapi_call_id, service_id) where vapi_call_id is not null and status = 'waiting' do nothing
    returning ${tx.unsafe(ENTRY)}`;
  if (row) return row;
  const [first] = await tx<WaitlistEntryRow[]>`
    select ${tx.unsafe(ENTRY)} from waitlist_entries
     where tenant_id = ${e.tenantId} and vapi_call_id = ${e.vapiCallId} and service_id = ${e.serviceId} and status = 'waiting'`;
  return first!;
}

export async function listWaitlist(
  tx: TenantTx,
  tenantId: string,
  q: { status?: WaitlistEntryRow['status']; limit: number },
): Promise<WaitlistEntryRow[]> {
  return [
    ...(await tx<WaitlistEntryRow[]>`
    select ${tx.unsafe(ENTRY)} from waitlist_entries
     where tenant_id = ${tenantId} and (${q.status ?? null}::text is null or status = ${q.status ?? null})
     order by created_at limit ${q.limit}`),
  ];
}

/** Takes a waiting entry off the list; false when it was not waiting. */
export async function removeWaitlistEntry(tx: TenantTx, tenantId: string, id: string): Promise<boolean> {
  const rows =
    await tx`update waitlist_entries set status = 'removed' where tenant_id = ${tenantId} and id = ${id} and status = 'waiting' returning id`;
  return rows.length === 1;
}

/**
 * Waiting entries that could take time of this provider on this local date, first come first served: none with an
 * offer open or an opted-out number, the provider theirs or unsaid, the date in their range. Service and time of day
 * are checked by the caller.
 */
export async function candidatesFor(
  tx: TenantTx,
  tenantId: string,
  providerId: string,
  localDate: string,
): Promise<WaitlistEntryRow[]> {
  return [
    ...(await tx<WaitlistEntryRow[]>`
    select ${tx.unsafe(ENTRY)} from waitlist_entries e
     where e.tenant_id = ${tenantId} and e.status = 'waiting'
       and (e.provider_id is null or e.provider_id = ${providerId})
       and ${localDate}::date between e.from_date and e.to_date
       and not exists (select 1 from waitlist_offers o where o.entry_id = e.id and o.status = 'open')
       -- An offer they could not be texted would only hold the time from everyone else.
       and not exists (select 1 from sms_opt_outs x where x.tenant_id = e.tenant_id and x.phone_e164 = e.phone_e164)
     order by e.created_at limit 50`),
  ];
}

/** Starts already offered to an entry (on any provider). */
export async function offeredStarts(tx: TenantTx, entryId: string): Promise<number[]> {
  const rows = await tx<{ startsAt: Date }[]>`select starts_at from waitlist_offers where entry_id = ${entryId}`;
  return rows.map((r) => r.startsAt.getTime());
}

export interface NewOffer {
  tenantId: string;
  entryId: string;
  bookingId: string;
  holdToken: string;
  providerId: string;
  startsAt: Date;
  /** The app's clock: when the offer lapses. */
  expiresAt: number;
  minutes: number;
  phone: string;
  text: string;
}

/**
 * Records the offer, stretches its hold to the offer's length and queues the offer text, in one transaction. Null
 * when the hold is gone or the entry got another offer meanwhile (another instance): the caller then releases it.
 */
export async function createOffer(tx: TenantTx, o: NewOffer): Promise<string | null> {
  const held = await tx`
    update bookings set expires_at = now() + make_interval(mins => ${o.minutes})
     where tenant_id = ${o.tenantId} and id = ${o.bookingId} and hold_token = ${o.holdToken} and status = 'held' returning id`;
  if (held.length === 0) return null;
  const [offer] = await tx<{ id: string }[]>`
    insert into waitlist_offers (tenant_id, entry_id, booking_id, hold_token, provider_id, starts_at, expires_at)
    values (${o.tenantId}, ${o.entryId}, ${o.bookingId}, ${o.holdToken}, ${o.providerId}, ${o.startsAt}, ${new Date(o.expiresAt)})
    on conflict (entry_id) where status = 'open' do nothing
    returning id`;
  if (!offer) return null;
  await tx`
    insert into sms_outbox (tenant_id, booking_id, kind, to_e164, body, dedupe_key)
    values (${o.tenantId}, ${o.bookingId}, 'offer', ${o.phone}, ${o.text}, ${`offer:${offer.id}`})`;
  return offer.id;
}

export interface OfferRow {
  id: string;
  tenantId: string;
  entryId: string;
  bookingId: string;
  holdToken: string;
  providerId: string;
  serviceId: string;
  startsAt: Date;
  expiresAt: Date;
  status: 'open' | 'accepted' | 'declined' | 'expired' | 'lost';
  phoneE164: string;
}

const OFFER = `o.id, o.tenant_id, o.entry_id, o.booking_id, o.hold_token, o.provider_id, e.service_id, o.starts_at,
  o.expires_at, o.status, e.phone_e164`;

export async function findOffer(tx: TenantTx, tenantId: string, id: string): Promise<OfferRow | undefined> {
  const [row] = await tx<OfferRow[]>`
    select ${tx.unsafe(OFFER)} from waitlist_offers o join waitlist_entries e on e.id = o.entry_id
     where o.tenant_id = ${tenantId} and o.id = ${id}`;
  return row;
}

export async function listOffers(
  tx: TenantTx,
  tenantId: string,
  q: { status?: OfferRow['status']; phone?: string; limit: number },
): Promise<OfferRow[]> {
  return [
    ...(await tx<OfferRow[]>`
    select ${tx.unsafe(OFFER)} from waitlist_offers o join waitlist_entries e on e.id = o.entry_id
     where o.tenant_id = ${tenantId} and (${q.status ?? null}::text is null or o.status = ${q.status ?? null})
       and (${q.phone ?? null}::text is null or e.phone_e164 = ${q.phone ?? null})
     order by o.created_at desc limit ${q.limit}`),
  ];
}

/** Open offers past their time by the app's clock, across clinics (the sweeper: operator work). */
export async function lapsedOffers(sql: Sql, now: number, limit: number): Promise<OfferRow[]> {
  return [
    ...(await sql<OfferRow[]>`
    select ${sql.unsafe(OFFER)} from waitlist_offers o join waitlist_entries e on e.id = o.entry_id
     where o.status = 'open' and o.expires_at <= ${new Date(now)} order by o.expires_at limit ${limit}`),
  ];
}

/** Compare-and-set from 'open': only one of a reply, a time-out and a second delivery decides an offer. */
export async function decideOffer(
  tx: TenantTx,
  tenantId: string,
  id: string,
  status: Exclude<OfferRow['status'], 'open'>,
): Promise<boolean> {
  const rows = await tx`
    update waitlist_offers set status = ${status}, decided_at = now()
     where tenant_id = ${tenantId} and id = ${id} and status = 'open' returning id`;
  return rows.length === 1;
}

export async function markEntryBooked(
  tx: TenantTx,
  tenantId: string,
  entryId: string,
  bookingId: string,
): Promise<void> {
  await tx`update waitlist_entries set status = 'booked', booking_id = ${bookingId} where tenant_id = ${tenantId} and id = ${entryId}`;
}
