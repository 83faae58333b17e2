import type { TenantSmsSettings } from '../../domain/tenant.ts';
import type { Sql } from '../client.ts';
import type { TenantTx } from '../tenant-scope.ts';

export interface ClaimedSms extends TenantSmsSettings {
  id: string;
  tenantId: string;
  kind: string;
  toE164: string;
  body: string;
  bodySealed: boolean;
  attempts: number;
}

/**
 * Takes due messages for sending; SKIP LOCKED so several dispatchers (instances) never take the same row. `now` is the
 * dispatcher's clock for scheduled rows (send_after: reminders); retries keep the database's clock. The moment is
 * written as the sms_outbox_due index has it (migrations/018), so rows waiting for a later day are never read. A row
 * to a number that opted out of the clinic's texts is never taken (see suppressOptedOut).
 */
export async function claimDueSms(sql: Sql, limit: number, now: number): Promise<ClaimedSms[]> {
  return sql<ClaimedSms[]>`
    with due as (
      select o.id from sms_outbox o
       where o.status = 'pending' and coalesce(o.send_after, '-infinity') <= ${new Date(now)}
         and o.next_attempt_at <= now()
         and not exists (select 1 from sms_opt_outs x where x.tenant_id = o.tenant_id and x.phone_e164 = o.to_e164)
       order by o.next_attempt_at limit ${limit} for update of o skip locked)
    update sms_outbox o set status = 'sending', attempts = o.attempts + 1, claimed_at = now()
      from due, tenants t
     where o.id = due.id and t.id = o.tenant_id
    returning o.id, o.tenant_id, o.kind, o.to_e164, o.body, o.body_sealed, o.attempts,
              t.twilio_account_sid, t.twilio_auth_token_sealed, t.twilio_from_number`;
}

/**
 * Due messages to numbers that opted out of the clinic's texts become 'suppressed': never sent, even after a later
 * START (a reminder is only worth its moment). Counted per pass for the log.
 */
export async function suppressOptedOut(sql: Sql, now: number): Promise<number> {
  const rows = await sql`
    update sms_outbox o set status = 'suppressed', last_error = 'the number opted out of this clinic''s texts'
      from sms_opt_outs x
     where o.status = 'pending' and x.tenant_id = o.tenant_id and x.phone_e164 = o.to_e164
       and coalesce(o.send_after, '-infinity') <= ${new Date(now)}
    returning o.id`;
  return rows.length;
}

/** Marks messages the provider took, a dispatcher pass's in one statement. */
export async function markSmsSent(sql: Sql, sent: { id: string; providerMessageId: string }[]): Promise<void> {
  if (sent.length === 0) return;
  await sql`
    update sms_outbox o set status = 'sent', sent_at = now(), last_error = null,
                            provider_message_id = coalesce(o.provider_message_id, s.provider_message_id)
      from unnest(${sent.map((m) => m.id)}::uuid[], ${sent.map((m) => m.providerMessageId)}::text[])
           as s(id, provider_message_id)
     where o.id = s.id`;
}

/** Back to pending after `delayMs`, or failed for good. */
export async function markSmsFailed(
  sql: Sql,
  id: string,
  r: { error: string; retryInMs: number | null; unknown?: boolean },
): Promise<void> {
  const status = r.unknown ? 'unknown' : r.retryInMs === null ? 'failed' : 'pending';
  await sql`
    update sms_outbox set status = ${status}, last_error = ${r.error.slice(0, 500)},
                          next_attempt_at = now() + make_interval(secs => ${(r.retryInMs ?? 0) / 1000})
     where id = ${id}`;
}

export interface StatusTarget extends TenantSmsSettings {
  id: string;
}

/** The message a Twilio status callback is about: by our outbox id (in the callback URL) or Twilio's message SID. */
export async function findSmsForStatus(
  sql: Sql,
  outboxId: string | undefined,
  messageSid: string | undefined,
): Promise<StatusTarget | undefined> {
  const [row] = await sql<StatusTarget[]>`
    select o.id, t.twilio_account_sid, t.twilio_auth_token_sealed, t.twilio_from_number
      from sms_outbox o join tenants t on t.id = o.tenant_id
     where (${outboxId ?? null}::uuid is not null and o.id = ${outboxId ?? null}::uuid)
        or (${messageSid ?? null}::text is not null and o.provider_message_id = ${messageSid ?? null})
     limit 1`;
  return row;
}

/**
 * Records a delivery status. A message left 'sending' or 'unknown' by a crash or an interrupted request is settled
 * here: Twilio reporting on it proves it was accepted.
 */
export async function recordDeliveryStatus(
  sql: Sql,
  id: string,
  s: { status: string; messageSid: string | null; errorCode: string | null },
): Promise<void> {
  await sql`
    update sms_outbox set
      delivery_status = case when sms_status_rank(delivery_status) <= sms_status_rank(${s.status}) then ${s.status}
                             else delivery_status end,
      delivery_error_code = coalesce(${s.errorCode}, delivery_error_code),
      delivery_updated_at = now(),
      provider_message_id = coalesce(provider_message_id, ${s.messageSid}),
      status = case when status in ('sending', 'unknown') then 'sent' else status end,
      sent_at = coalesce(sent_at, now())
     where id = ${id}`;
}

export type ResendOutcome = 'queued' | 'pending' | 'limit';

/**
 * Queues the booking's confirmation once more, unless one is still waiting to go or `max` were queued already.
 * Keyed by the request, so the same request twice queues one message.
 */
export async function queueConfirmationAgain(
  tx: TenantTx,
  r: { tenantId: string; bookingId: string; requestKey: string; max: number },
): Promise<ResendOutcome> {
  const [row] = await tx<{ outcome: ResendOutcome }[]>`
    with mine as (
      select * from sms_outbox where tenant_id = ${r.tenantId} and booking_id = ${r.bookingId} and kind = 'confirmation'),
    ins as (
      insert into sms_outbox (tenant_id, call_id, booking_id, kind, to_e164, body, dedupe_key)
      select tenant_id, call_id, booking_id, kind, to_e164, body, ${`confirmation:${r.bookingId}:again:${r.requestKey}`}
        from mine
       where not exists (select 1 from mine where status in ('pending', 'sending'))
         and (select count(*) from mine) < ${r.max}
       order by created_at limit 1
      on conflict (tenant_id, dedupe_key) do nothing
      returning id)
    select case when exists (select 1 from ins) then 'queued'
                when exists (select 1 from mine where dedupe_key = ${`confirmation:${r.bookingId}:again:${r.requestKey}`}) then 'queued'
                when exists (select 1 from mine where status in ('pending', 'sending')) then 'pending'
                else 'limit' end as outcome`;
  return row!.outcome;
}
