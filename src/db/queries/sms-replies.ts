import type { Sql } from '../client.ts';
import type { TenantTx } from '../tenant-scope.ts';

// Inbound texts, opt-outs, and the conversations a reply can answer (src/sms/inbound.ts).

/** The clinic a Messaging webhook names, with what its Twilio signature is checked against. Operator work. */
export async function findSmsTenant(sql: Sql, slug: string) {
  const [row] = await sql<
    {
      id: string;
      slug: string;
      twilioAccountSid: string | null;
      twilioAuthTokenSealed: string | null;
      twilioFromNumber: string | null;
    }[]
  >`
    select id, slug, twilio_account_sid, twilio_auth_token_sealed, twilio_from_number from tenants where slug = ${slug}`;
  return row;
}

/** The slug of a clinic known by id (the tenant directory is keyed by slug). Operator work. */
export async function slugOf(sql: Sql, tenantId: string): Promise<string | undefined> {
  const [row] = await sql<{ slug: string }[]>`select slug from tenants where id = ${tenantId}`;
  return row?.slug;
}

/** The number patients can call the clinic on: its first answered number, else the number its texts come from. */
export async function clinicPhone(tx: TenantTx, tenantId: string): Promise<string | null> {
  const [row] = await tx<{ phone: string | null }[]>`
    select coalesce((select e164 from tenant_phone_numbers where tenant_id = ${tenantId} order by e164 limit 1),
                    (select twilio_from_number from tenants where id = ${tenantId})) as phone`;
  return row?.phone ?? null;
}

export type InboundRecord = { kind: 'new' } | { kind: 'repeat'; reply: string | null };

/** Records an inbound message once per MessageSid; a repeat returns what was answered the first time. */
export async function recordInbound(
  tx: TenantTx,
  m: { tenantId: string; messageSid: string; from: string; body: string },
): Promise<InboundRecord> {
  const inserted = await tx`
    insert into sms_inbound (tenant_id, message_sid, from_e164, body) values (${m.tenantId}, ${m.messageSid}, ${m.from}, ${m.body})
    on conflict do nothing returning message_sid`;
  if (inserted.length === 1) return { kind: 'new' };
  const [row] = await tx<{ reply: string | null }[]>`
    select reply from sms_inbound where tenant_id = ${m.tenantId} and message_sid = ${m.messageSid}`;
  return { kind: 'repeat', reply: row?.reply ?? null };
}

/** Forgets a message whose handling failed, so a second delivery really runs. */
export async function forgetInbound(tx: TenantTx, tenantId: string, messageSid: string): Promise<void> {
  await tx`delete from sms_inbound where tenant_id = ${tenantId} and message_sid = ${messageSid} and handled_as is null`;
}

export async function settleInbound(
  tx: TenantTx,
  tenantId: string,
  messageSid: string,
  handledAs: string,
  reply: string | null,
): Promise<void> {
  await tx`update sms_inbound set handled_as = ${handledAs}, reply = ${reply} where tenant_id = ${tenantId} and message_sid = ${messageSid}`;
}

export async function optOut(
  tx: TenantTx,
  o: { tenantId: string; phone: string; keyword: string; source: 'sms' | 'staff' },
): Promise<void> {
  await tx`
    insert into sms_opt_outs (tenant_id, phone_e164, keyword, source) values (${o.tenantId}, ${o.phone}, ${o.keyword}, ${o.source})
    on conflict do nothing`;
}

/** Removes the opt-out; false when there was none. */
export async function optIn(tx: TenantTx, tenantId: string, phone: string): Promise<boolean> {
  const rows =
    await tx`delete from sms_opt_outs where tenant_id = ${tenantId} and phone_e164 = ${phone} returning phone_e164`;
  return rows.length === 1;
}

/**
 * Whether the number opted out of the clinic's texts: one statement (sql/functions/is_opted_out.sql enters the tenant
 * scope itself), so it takes the pool — one round trip before a code is texted — or runs inside a tenant transaction
 * already in that scope.
 */
export async function isOptedOut(sql: Sql | TenantTx, tenantId: string, phone: string): Promise<boolean> {
  const [row] = await sql<{ optedOut: boolean }[]>`select is_opted_out(${tenantId}, ${phone}) as opted_out`;
  return row!.optedOut;
}

export interface OptOutRow {
  phoneE164: string;
  keyword: string;
  source: 'sms' | 'staff';
  optedOutAt: Date;
}

export async function listOptOuts(
  tx: TenantTx,
  tenantId: string,
  q: { phone?: string; limit: number },
): Promise<OptOutRow[]> {
  return [
    ...(await tx<OptOutRow[]>`
    select phone_e164, keyword, source, opted_out_at from sms_opt_outs
     where tenant_id = ${tenantId} and (${q.phone ?? null}::text is null or phone_e164 = ${q.phone ?? null})
     order by opted_out_at desc limit ${q.limit}`),
  ];
}

/** What a patient's reply answers: the newest of an open cancel question, an open offer, a reminder of a live appointment. */
export type Conversation =
  | { kind: 'cancel_question'; id: string; bookingId: string }
  | { kind: 'offer'; id: string; bookingId: string }
  | { kind: 'reminder'; id: string; bookingId: string };

export async function openConversation(
  tx: TenantTx,
  tenantId: string,
  phone: string,
): Promise<Conversation | undefined> {
  const [row] = await tx<Conversation[]>`
    select kind, id, booking_id from (
      select 'cancel_question' as kind, q.id, q.booking_id, q.asked_at as at
        from sms_cancel_questions q join bookings b on b.id = q.booking_id
       where q.tenant_id = ${tenantId} and q.phone_e164 = ${phone} and q.closed_at is null
         and b.status = 'confirmed' and b.starts_at > now()
      union all
      select 'offer', o.id, o.booking_id, o.created_at
        from waitlist_offers o join waitlist_entries e on e.id = o.entry_id
       where o.tenant_id = ${tenantId} and e.phone_e164 = ${phone} and o.status = 'open'
      union all
      -- Handed to Twilio counts ('sending' until its answer is recorded): the patient may be replying already.
      select 'reminder', m.id, m.booking_id, coalesce(m.sent_at, m.claimed_at)
        from sms_outbox m join bookings b on b.id = m.booking_id
       where m.tenant_id = ${tenantId} and m.to_e164 = ${phone} and m.kind = 'reminder'
         and m.status in ('sending', 'sent', 'unknown')
         and b.status = 'confirmed' and b.starts_at > now()
    ) c order by at desc limit 1`;
  return row;
}

export interface AppointmentBrief {
  bookingId: string;
  serviceId: string;
  providerId: string;
  startsAt: Date;
  patientPhone: string;
  patientConfirmedAt: Date | null;
}

export async function appointmentBrief(
  tx: TenantTx,
  tenantId: string,
  bookingId: string,
): Promise<AppointmentBrief | undefined> {
  const [row] = await tx<AppointmentBrief[]>`
    select b.id as booking_id, b.service_id, b.provider_id, b.starts_at, p.phone_e164 as patient_phone, b.patient_confirmed_at
      from bookings b join patients p on p.id = b.patient_id
     where b.tenant_id = ${tenantId} and b.id = ${bookingId}`;
  return row;
}

/** Opens the cancel question for the appointment, closing any earlier one of the number. */
export async function askToCancel(tx: TenantTx, tenantId: string, phone: string, bookingId: string): Promise<void> {
  await tx`update sms_cancel_questions set closed_at = now() where tenant_id = ${tenantId} and phone_e164 = ${phone} and closed_at is null`;
  await tx`insert into sms_cancel_questions (tenant_id, phone_e164, booking_id) values (${tenantId}, ${phone}, ${bookingId})`;
}

export async function closeCancelQuestion(tx: TenantTx, tenantId: string, id: string): Promise<void> {
  await tx`update sms_cancel_questions set closed_at = now() where tenant_id = ${tenantId} and id = ${id} and closed_at is null`;
}

/** "Patient confirmed" on the appointment; the first confirmation's time stays. */
export async function markPatientConfirmed(tx: TenantTx, tenantId: string, bookingId: string): Promise<void> {
  await tx`update bookings set patient_confirmed_at = coalesce(patient_confirmed_at, now())
            where tenant_id = ${tenantId} and id = ${bookingId} and status = 'confirmed'`;
}

export async function recordRescheduleRequest(
  tx: TenantTx,
  r: { tenantId: string; bookingId: string; phone: string; messageSid: string },
): Promise<void> {
  await tx`
    insert into reschedule_requests (tenant_id, patient_id, booking_id, phone_e164, message_sid)
    select tenant_id, patient_id, id, ${r.phone}, ${r.messageSid} from bookings
     where tenant_id = ${r.tenantId} and id = ${r.bookingId} and patient_id is not null
    on conflict do nothing`;
}

export interface RescheduleRequestRow {
  id: string;
  patientId: string;
  patientName: string | null;
  bookingId: string;
  phoneE164: string;
  appointmentStart: Date;
  requestedAt: Date;
}

export async function listRescheduleRequests(
  tx: TenantTx,
  tenantId: string,
  limit: number,
): Promise<RescheduleRequestRow[]> {
  return [
    ...(await tx<RescheduleRequestRow[]>`
    select r.id, r.patient_id, p.name as patient_name, r.booking_id, r.phone_e164, b.starts_at as appointment_start, r.requested_at
      from reschedule_requests r join patients p on p.id = r.patient_id join bookings b on b.id = r.booking_id
     where r.tenant_id = ${tenantId} order by r.requested_at desc limit ${limit}`),
  ];
}
