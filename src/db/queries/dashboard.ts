import type { TenantTx } from '../tenant-scope.ts';
import { ownIdOrNull } from './calls-admin.ts';

export interface DashboardTenant {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
  hotLeadThreshold: number;
}

export interface ScheduleRow {
  id: string;
  status: 'held' | 'confirmed' | 'cancelled' | 'expired';
  startsAt: Date;
  endsAt: Date;
  expiresAt: Date | null;
  cancelledAt: Date | null;
  confirmedAt: Date | null;
  noShowAt: Date | null;
  /** The patient answered a reminder with "C"/"YES". */
  patientConfirmedAt: Date | null;
  providerId: string;
  providerName: string;
  serviceName: string;
  patientName: string | null;
  patientPhone: string | null;
  /** The calls row of the call that made it, when it went through the call machine. */
  callId: string | null;
}

export interface LeadRow {
  callId: string;
  callerNumber: string | null;
  /** The patient's name on file for the caller's number. */
  name: string | null;
  score: number;
  reasons: { points: number; text: string }[];
  hot: boolean;
  createdAt: Date;
}

/**
 * The clinic a dashboard session may see: only while the clinic is active and, for a session that came from an API
 * key, while that key is unrevoked.
 */
export async function findDashboardTenant(
  tx: TenantTx,
  tenantId: string,
  keyId: string | null,
): Promise<DashboardTenant | undefined> {
  const [row] = await tx<DashboardTenant[]>`
    select id, slug, name, time_zone, hot_lead_threshold from tenants t
     where t.id = ${tenantId} and t.status = 'active'
       and (${keyId}::uuid is null
            or exists (select 1 from tenant_api_keys k where k.id = ${keyId} and k.tenant_id = t.id and k.revoked_at is null))`;
  return row;
}

/**
 * Every booking starting from today (in the clinic's zone) for `days` days, live holds and holds given back
 * included: the page decides what each is called (words.ts) and how prominently it is shown.
 */
export async function scheduleRows(tx: TenantTx, tenantId: string, days: number): Promise<ScheduleRow[]> {
  return tx<ScheduleRow[]>`
    with win as (
      select (date_trunc('day', now() at time zone t.time_zone)) at time zone t.time_zone as lo,
             (date_trunc('day', now() at time zone t.time_zone) + make_interval(days => ${days})) at time zone t.time_zone as hi
        from tenants t where t.id = ${tenantId})
    select b.id, b.status, b.starts_at, b.ends_at, b.expires_at, b.cancelled_at, b.confirmed_at, b.no_show_at, b.patient_confirmed_at,
           b.provider_id,
           p.name as provider_name, s.name as service_name, pt.name as patient_name, pt.phone_e164 as patient_phone,
           c.id as call_id
      from bookings b
      join win on b.starts_at >= win.lo and b.starts_at < win.hi
      join providers p on p.id = b.provider_id
      join services s on s.id = b.service_id
      left join patients pt on pt.id = b.patient_id
      left join calls c on c.tenant_id = b.tenant_id and c.vapi_call_id = b.source_call_id
     where b.tenant_id = ${tenantId} and (b.status <> 'held' or b.expires_at > now())
     order by b.starts_at, p.name`;
}

export interface WaitingRow {
  id: string;
  name: string | null;
  phone: string;
  serviceName: string;
  fromDate: string;
  toDate: string;
  timeOfDay: string | null;
  createdAt: Date;
}

/** Waiting entries, first come first: the order offers go out in. */
export async function waitingEntries(tx: TenantTx, tenantId: string, limit: number): Promise<WaitingRow[]> {
  return tx<WaitingRow[]>`
    select e.id, e.patient_name as name, e.phone_e164 as phone, s.name as service_name, e.from_date::text,
           e.to_date::text, e.time_of_day, e.created_at
      from waitlist_entries e join services s on s.tenant_id = e.tenant_id and s.id = e.service_id
     where e.tenant_id = ${tenantId} and e.status = 'waiting'
     order by e.created_at limit ${limit}`;
}

export interface OpenOfferRow {
  id: string;
  name: string | null;
  phone: string;
  serviceName: string;
  providerName: string;
  startsAt: Date;
  expiresAt: Date;
}

/** Offers still awaiting the patient's reply, soonest to lapse first. */
export async function openOffers(tx: TenantTx, tenantId: string, limit: number): Promise<OpenOfferRow[]> {
  return tx<OpenOfferRow[]>`
    select o.id, e.patient_name as name, e.phone_e164 as phone, s.name as service_name, p.name as provider_name,
           o.starts_at, o.expires_at
      from waitlist_offers o
      join waitlist_entries e on e.id = o.entry_id
      join services s on s.tenant_id = e.tenant_id and s.id = e.service_id
      join providers p on p.tenant_id = o.tenant_id and p.id = o.provider_id
     where o.tenant_id = ${tenantId} and o.status = 'open'
     order by o.expires_at limit ${limit}`;
}

export async function recentLeads(tx: TenantTx, tenantId: string, limit: number): Promise<LeadRow[]> {
  return tx<LeadRow[]>`
    select l.call_id, l.caller_number, pt.name, l.score, l.reasons, l.hot, l.created_at
      from leads l left join patients pt on pt.tenant_id = l.tenant_id and pt.phone_e164 = l.caller_number
     where l.tenant_id = ${tenantId}
     order by l.created_at desc limit ${limit}`;
}

export interface LiveCallRow {
  id: string;
  state: string;
  callerNumber: string | null;
  name: string | null;
  createdAt: Date;
  heldStart: Date | null;
  heldProvider: string | null;
  heldUntil: Date | null;
}

/** Calls still in progress: no report yet, not ended, and heard from in the last two hours (a lost end is not live). */
export async function liveCalls(tx: TenantTx, tenantId: string): Promise<LiveCallRow[]> {
  return tx<LiveCallRow[]>`
    select c.id, c.state, c.caller_number, pt.name, c.created_at,
           h.starts_at as held_start, h.provider as held_provider, h.expires_at as held_until
      from calls c
      left join lateral (
        select b.starts_at, b.expires_at, p.name as provider from bookings b join providers p on p.id = b.provider_id
         where b.tenant_id = c.tenant_id and b.source_call_id = c.vapi_call_id and b.status = 'held' and b.expires_at > now()
         order by b.created_at desc limit 1) h on true
      left join patients pt on pt.tenant_id = c.tenant_id and pt.phone_e164 = c.caller_number
     where c.tenant_id = ${tenantId} and c.report_received_at is null and c.state not in ('ending', 'ended')
       and c.updated_at > now() - interval '2 hours'
     order by c.created_at`;
}

export interface SmsRow {
  id: string;
  kind: string;
  toE164: string;
  body: string;
  bodySealed: boolean;
  callId: string | null;
  status: string;
  deliveryStatus: string | null;
  lastError: string | null;
  deliveryErrorCode: string | null;
  createdAt: Date;
}

const SMS_COLUMNS =
  'id, kind, to_e164, body, body_sealed, call_id, status, delivery_status, last_error, delivery_error_code, created_at';

export async function recentSms(tx: TenantTx, tenantId: string, limit: number): Promise<SmsRow[]> {
  return tx<SmsRow[]>`
    select ${tx.unsafe(SMS_COLUMNS)} from sms_outbox where tenant_id = ${tenantId} order by created_at desc limit ${limit}`;
}

export interface CallDetailRow {
  id: string;
  vapiCallId: string;
  state: string;
  callerNumber: string | null;
  createdAt: Date;
  endedReason: string | null;
  summary: string | null;
  transcript: string | null;
  durationSeconds: string | null;
  flaggedForHuman: boolean;
}

export interface CallEventDetail {
  seq: number;
  eventType: string;
  stateBefore: string;
  stateAfter: string;
  /** The recorded event, for the timeline's sentence (dashboard/words.ts reads only what it names). */
  event: Record<string, unknown>;
  createdAt: Date;
}

/** One call of this clinic (by our id or Vapi's) with its audit trail, lead and texts; undefined when it is not this clinic's. */
export async function callDetail(tx: TenantTx, tenantId: string, callId: string) {
  const [call] = await tx<CallDetailRow[]>`
    select id, vapi_call_id, state, caller_number, created_at, ended_reason, summary, transcript,
           duration_seconds::text, flagged_for_human
      from calls where tenant_id = ${tenantId} and (vapi_call_id = ${callId} or id = ${ownIdOrNull(callId)}::uuid)
     order by id = ${ownIdOrNull(callId)}::uuid desc nulls last limit 1`;
  if (!call) return undefined;
  const [events, leads, sms, patients] = await Promise.all([
    tx<CallEventDetail[]>`
      select e.seq, e.event_type, e.state_before, e.state_after, e.event, e.created_at
        from call_events e where e.call_id = ${call.id} order by e.seq`,
    tx<LeadRow[]>`
      select call_id, caller_number, null as name, score, reasons, hot, created_at from leads where tenant_id = ${tenantId} and call_id = ${call.id}`,
    tx<
      SmsRow[]
    >`select ${tx.unsafe(SMS_COLUMNS)} from sms_outbox where tenant_id = ${tenantId} and call_id = ${call.id} order by created_at`,
    tx<
      { name: string | null }[]
    >`select name from patients where tenant_id = ${tenantId} and phone_e164 = ${call.callerNumber}`,
  ]);
  return { call, events: [...events], lead: leads[0] ?? null, sms: [...sms], name: patients[0]?.name ?? null };
}

/** Marks a started, booked appointment as missed; false when it is not one (not found, not booked, not started). */
export async function markNoShow(tx: TenantTx, tenantId: string, bookingId: string): Promise<boolean> {
  const rows = await tx`
    update bookings set no_show_at = now()
     where tenant_id = ${tenantId} and id = ${bookingId} and status = 'confirmed' and starts_at <= now() and no_show_at is null
    returning id`;
  return rows.length === 1;
}
