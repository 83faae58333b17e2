import type { PendingQuery, Row } from 'postgres';
import type { TenantTx } from '../tenant-scope.ts';

/**
 * The call-back queue: people the front desk should phone. It is not stored. Each source below is a query over rows
 * the system already keeps (calls, codes, holds, leads), giving one row per thing to follow up, in the columns
 *   kind, source_id, call_id, phone, reason, at
 * Staff marking an item done writes (kind, source_id) to callback_done (migrations/012_front_desk.sql), which hides
 * it. A new source is one more entry here: a kind and its query; nothing else changes.
 */
export interface CallbackSource {
  kind: string;
  rows(tx: TenantTx, tenantId: string, days: number): PendingQuery<Row[]>;
}

/** A call that ended while it held a time and never booked: a hold ran out or was given back when they hung up. */
const noBookingFrom = (tx: TenantTx, call: PendingQuery<Row[]>) => tx`
  not exists (select 1 from bookings nb where nb.tenant_id = c.tenant_id and nb.source_call_id = ${call} and nb.status = 'confirmed')`;

export const CALLBACK_SOURCES: CallbackSource[] = [
  {
    // The machine went to escalation ('escalating', which releases the hold, then 'escalated'): the caller asked for a
    // person, or codes failed.
    kind: 'escalation',
    rows: (tx, tenantId, days) => tx`
      select 'escalation' as kind, c.id::text as source_id, c.id as call_id, c.caller_number as phone,
             case e.event_type when 'ESCALATE' then 'Asked for a person'
                               when 'xstate.done.actor.verify' then 'Gave a wrong code three times'
                               when 'xstate.done.actor.sendCode' then 'Could not be texted a code'
                               else 'Needs a person' end as reason,
             coalesce(e.created_at, c.updated_at) as at
        from calls c
        left join lateral (
          select ce.event_type, ce.created_at from call_events ce
           where ce.call_id = c.id and ce.state_after in ('escalating', 'escalated')
             and ce.state_before not in ('escalating', 'escalated')
           order by ce.seq limit 1) e on true
       where c.tenant_id = ${tenantId} and c.flagged_for_human and c.created_at > now() - make_interval(days => ${days})`,
  },
  {
    // The latest code of a call that was never read back correctly, once it expired or the call ended.
    kind: 'code',
    rows: (tx, tenantId, days) => tx`
      select 'code' as kind, o.id::text as source_id, c.id as call_id, o.phone_e164 as phone,
             case when exists (select 1 from sms_outbox m where m.tenant_id = o.tenant_id and m.booking_id = o.booking_id and m.kind = 'otp'
                                  and (m.status = 'failed' or m.delivery_status in ('undelivered', 'failed')))
                    then 'Code text was not delivered'
                  when o.attempts > 0 then 'Code did not match; no booking'
                  else 'Hung up before reading the code' end as reason,
             o.created_at as at
        from otp_challenges o join calls c on c.id = o.call_id
       where o.tenant_id = ${tenantId} and o.consumed_at is null and o.superseded_at is null
         and (o.expires_at < now() or c.state in ('ending', 'ended'))
         and not c.flagged_for_human
         and ${noBookingFrom(tx, tx`c.vapi_call_id`)}
         and o.created_at > now() - make_interval(days => ${days})`,
  },
  {
    // The last hold of an ended call that neither booked nor escalated (those are the sources above).
    kind: 'dropped_hold',
    rows: (tx, tenantId, days) => tx`
      select distinct on (c.id) 'dropped_hold' as kind, b.id::text as source_id, c.id as call_id,
             coalesce(pt.phone_e164, c.caller_number) as phone,
             case when b.status = 'expired' then 'Hold ran out; no booking' else 'Hung up with a time held' end as reason,
             coalesce(b.cancelled_at, b.expires_at) as at
        from bookings b
        join calls c on c.tenant_id = b.tenant_id and c.vapi_call_id = b.source_call_id
        left join patients pt on pt.id = b.patient_id
       where b.tenant_id = ${tenantId} and c.state in ('ending', 'ended') and not c.flagged_for_human
         and (b.status = 'expired' or (b.status = 'cancelled' and b.confirmed_at is null))
         and not exists (select 1 from otp_challenges o where o.booking_id = b.id)
         and ${noBookingFrom(tx, tx`b.source_call_id`)}
         and b.created_at > now() - make_interval(days => ${days})
       order by c.id, b.created_at desc`,
  },
  {
    // "R" texted in reply to a reminder: the patient wants a call to move that appointment (migrations/013).
    kind: 'reschedule_request',
    rows: (tx, tenantId, days) => tx`
      select 'reschedule_request' as kind, r.id::text as source_id, null::uuid as call_id, r.phone_e164 as phone,
             'Texted R: wants to move their ' || s.name || ' on '
               || to_char(b.starts_at at time zone t.time_zone, 'Dy FMDD Mon "at" FMHH12:MI AM') as reason,
             r.requested_at as at
        from reschedule_requests r
        join bookings b on b.id = r.booking_id
        join services s on s.id = b.service_id
        join tenants t on t.id = r.tenant_id
       where r.tenant_id = ${tenantId} and r.requested_at > now() - make_interval(days => ${days})`,
  },
  {
    kind: 'hot_lead',
    rows: (tx, tenantId, days) => tx`
      select 'hot_lead' as kind, l.call_id::text as source_id, c.id as call_id, l.caller_number as phone,
             'Hot lead, no booking: ' || coalesce(l.reasons -> 0 ->> 'text', 'scored high') as reason, l.created_at as at
        from leads l join calls c on c.id = l.call_id
       where l.tenant_id = ${tenantId} and l.hot and not c.flagged_for_human
         and ${noBookingFrom(tx, tx`c.vapi_call_id`)}
         and l.created_at > now() - make_interval(days => ${days})`,
  },
];

export const CALLBACK_KINDS = CALLBACK_SOURCES.map((s) => s.kind);

export interface CallbackRow {
  kind: string;
  sourceId: string;
  callId: string | null;
  phone: string | null;
  /** The patient's name on file for that number, when there is one. */
  name: string | null;
  reason: string;
  at: Date;
}

/** Items of the queue not yet marked done, newest first; only the given items when `only` is set. */
export async function openCallbacks(
  tx: TenantTx,
  tenantId: string,
  o: { days: number; limit: number; only?: { kind: string; id: string }[] },
): Promise<CallbackRow[]> {
  // Each source in parentheses: one may end with its own order by (distinct on).
  const sources = CALLBACK_SOURCES.map((s) => tx`(${s.rows(tx, tenantId, o.days)})`);
  const union = sources.slice(1).reduce((all, q) => tx`${all} union all ${q}`, sources[0]!);
  const only = o.only ? tx.json(o.only) : null;
  return tx<CallbackRow[]>`
    select q.kind, q.source_id, q.call_id, q.phone, pt.name, q.reason, q.at
      from (${union}) q
      left join patients pt on pt.tenant_id = ${tenantId} and pt.phone_e164 = q.phone
     where not exists (select 1 from callback_done d
                        where d.tenant_id = ${tenantId} and d.source_kind = q.kind and d.source_id = q.source_id)
       and (${only}::jsonb is null
            or exists (select 1 from jsonb_to_recordset(${only}::jsonb) as w(kind text, id text) where w.kind = q.kind and w.id = q.source_id))
     order by q.at desc
     limit ${o.limit}`;
}

export async function markCallbacksDone(
  tx: TenantTx,
  tenantId: string,
  items: { kind: string; id: string; what: string }[],
  by: { name: string; keyId: string | null },
): Promise<number> {
  const rows = await tx`
    insert into callback_done (tenant_id, source_kind, source_id, what, handled_by, key_id)
    select ${tenantId}, w.kind, w.id, w.what, ${by.name}, ${by.keyId}
      from jsonb_to_recordset(${tx.json(items)}::jsonb) as w(kind text, id text, what text)
    on conflict do nothing
    returning source_id`;
  return rows.length;
}

export interface DoneRow {
  kind: string;
  sourceId: string;
  what: string;
  handledBy: string;
  doneAt: Date;
}

/** What was handled since the clinic's local midnight, newest first. */
export async function doneToday(tx: TenantTx, tenantId: string, limit: number): Promise<DoneRow[]> {
  return tx<DoneRow[]>`
    select d.source_kind as kind, d.source_id, d.what, d.handled_by, d.done_at from callback_done d join tenants t on t.id = d.tenant_id
     where d.tenant_id = ${tenantId} and d.done_at >= date_trunc('day', now() at time zone t.time_zone) at time zone t.time_zone
     order by d.done_at desc limit ${limit}`;
}
