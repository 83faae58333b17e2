import type { ClaimRow, PatientDetails } from '../../domain/booking.ts';
import type { BusyRange } from '../../scheduling/types.ts';
import type { Sql } from '../client.ts';
import type { TenantTx } from '../tenant-scope.ts';

export interface ClaimRequest {
  tenantId: string;
  providerId: string;
  serviceId: string;
  patient: PatientDetails;
  start: number;
  status: 'held' | 'confirmed';
  callId: string | null;
  /** A created confirmed booking's reminders, queued in the same statement (queue_reminders). */
  reminders?: { body: string; times: number[] } | null;
}

/** Where a claim's tool answer is recorded for replay, and the answer to record should it create a booking. */
export interface ClaimRecord {
  toolCallId: string;
  tool: string;
  /** The answer for a booking created on this provider; its booking id is written at `idPath` by the database. */
  answer: (providerId: string) => unknown;
  idPath: string[];
}

export type AnsweredClaim = { replayed: unknown } | { row: ClaimRow; recorded: unknown | null };

/**
 * One attempt, its replay check and its replay record in one statement and one round trip (claim_slot_answered
 * scopes itself to the tenant: role and app.tenant_id local to the statement's own transaction). Takes the pool,
 * not a TenantTx, because it must not run inside another transaction's BEGIN … COMMIT.
 */
export async function claimSlotAnswered(sql: Sql, c: ClaimRequest, record: ClaimRecord): Promise<AnsweredClaim> {
  const { replayed, recorded, ...row } = await claimStatement(sql, c, record);
  return replayed !== null ? { replayed } : { row, recorded };
}

/** One attempt in one statement and one round trip, with nothing recorded (a hold's call step keeps its own). */
export async function claimSlot(sql: Sql, c: ClaimRequest): Promise<ClaimRow> {
  const { replayed: _, recorded: __, ...row } = await claimStatement(sql, c, null);
  return row;
}

async function claimStatement(sql: Sql, c: ClaimRequest, record: ClaimRecord | null) {
  const [row] = await sql<(ClaimRow & { replayed: unknown | null; recorded: unknown | null })[]>`
    select * from claim_slot_answered(${c.tenantId}, ${record?.toolCallId ?? null}, ${record?.tool ?? null},
                                      ${record ? sql.json(record.answer(c.providerId) as never) : null}, ${record?.idPath ?? null},
                                      ${c.providerId}, ${c.serviceId}, ${new Date(c.start)}, ${c.status}, ${c.callId},
                                      ${c.patient.phone}, ${c.patient.name}, ${c.patient.email},
                                      ${c.reminders?.body ?? null}, ${c.reminders ? c.reminders.times.map((t) => new Date(t).toISOString()) : null}::timestamptz[])`;
  return row!;
}

/** The provider of this call's own active booking at exactly this start, if it has one. */
export async function callsOwnBooking(
  tx: TenantTx,
  tenantId: string,
  callId: string,
  start: number,
): Promise<string | null> {
  const [row] = await tx<{ providerId: string }[]>`
    select provider_id from bookings
     where tenant_id = ${tenantId} and source_call_id = ${callId} and starts_at = ${new Date(start)}
       and status in ('held', 'confirmed') and (status = 'confirmed' or expires_at > now())`;
  return row?.providerId ?? null;
}

/** An active booking's busy time; `expiresAt` says until when a hold occupies it (null: confirmed). */
export type ActiveRange = BusyRange & { expiresAt: number | null };

/** The occupied time (buffers included) of every active booking of these providers that touches [from, to). */
export async function busyRanges(
  tx: TenantTx,
  tenantId: string,
  providerIds: string[],
  from: number,
  to: number,
): Promise<ActiveRange[]> {
  const rows = await tx<{ providerId: string; lo: Date; hi: Date; expiresAt: Date | null }[]>`
    select provider_id, lower(occupied) as lo, upper(occupied) as hi, case when status = 'held' then expires_at end as expires_at
      from bookings
     where tenant_id = ${tenantId}
       and provider_id = any(${providerIds}::uuid[])
       and status in ('held', 'confirmed')
       and (status = 'confirmed' or expires_at > now())
       and occupied && tstzrange(${new Date(from)}, ${new Date(to)}, '[)')`;
  return rows.map((r) => ({
    providerId: r.providerId,
    start: r.lo.getTime(),
    end: r.hi.getTime(),
    expiresAt: r.expiresAt?.getTime() ?? null,
  }));
}

/** Pairs of active bookings of one provider whose occupied times overlap: must always be zero. */
export async function overlappingPairs(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from bookings a join bookings b
      on a.provider_id = b.provider_id and a.id < b.id and a.occupied && b.occupied
     where a.status in ('held','confirmed') and b.status in ('held','confirmed')`;
  return row!.n;
}
