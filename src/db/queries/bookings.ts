import type { TenantTx } from '../tenant-scope.ts';
import type { Sql } from '../client.ts';
import type { BusyRange } from '../../scheduling/types.ts';
import type { ClaimRow, PatientDetails } from '../../domain/booking.ts';

export interface ClaimRequest {
  tenantId: string;
  providerId: string;
  serviceId: string;
  patient: PatientDetails;
  start: number;
  status: 'held' | 'confirmed';
  callId: string | null;
}

/** One attempt on one provider through the database's claim_slot function (see migrations/002_claim_slot.sql). */
export async function claimSlot(tx: TenantTx, c: ClaimRequest): Promise<ClaimRow> {
  const [row] = await tx<ClaimRow[]>`
    select * from claim_slot(${c.tenantId}, ${c.providerId}, ${c.serviceId}, ${new Date(c.start)}, ${c.status},
                             ${c.callId}, ${c.patient.phone}, ${c.patient.name}, ${c.patient.email})`;
  return row!;
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
  return rows.map((r) => ({ providerId: r.providerId, start: r.lo.getTime(), end: r.hi.getTime(), expiresAt: r.expiresAt?.getTime() ?? null }));
}

/** Pairs of active bookings of one provider whose occupied times overlap: must always be zero. */
export async function overlappingPairs(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from bookings a join bookings b
      on a.provider_id = b.provider_id and a.id < b.id and a.occupied && b.occupied
     where a.status in ('held','confirmed') and b.status in ('held','confirmed')`;
  return row!.n;
}
