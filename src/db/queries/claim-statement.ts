import type {
  AnsweredClaim,
  ClaimResult,
  ClaimRow,
  ClaimStatement,
  MoveClaim,
  PlainClaim,
} from '../../domain/booking.ts';
import type { Sql } from '../client.ts';
import { withTenant } from '../tenant-scope.ts';
import { queueReminders } from './reminders.ts';

/**
 * Runs one claim statement (src/domain/booking.ts) in PostgreSQL: the only place a claim reaches the database, after
 * the slot gate's queue and lock. Takes the pool, not a TenantTx: a claim is its own transaction.
 */
export async function runClaimStatement<S extends ClaimStatement>(sql: Sql, s: S): Promise<ClaimResult<S>> {
  const result = s.kind === 'move' ? await move(sql, s) : await claim(sql, s);
  return result as ClaimResult<S>;
}

/**
 * Tenant scope, replay check, claim, reminders and replay record in one statement and one round trip
 * (claim_slot_answered sets role and app.tenant_id local to the statement's own transaction).
 */
async function claim(sql: Sql, s: PlainClaim | AnsweredClaim): Promise<ClaimResult<AnsweredClaim>> {
  const { slot, patient, reminders, record } = s;
  const [found] = await sql<(ClaimRow & { replayed: unknown | null; recorded: unknown | null })[]>`
    select * from claim_slot_answered(${slot.tenantId}, ${record?.toolCallId ?? null}, ${record?.tool ?? null},
                                      ${record ? sql.json(record.answer as never) : null}, ${record?.idPath ?? null},
                                      ${slot.providerId}, ${slot.service.id}, ${new Date(slot.start)}, ${s.status}, ${slot.callId},
                                      ${patient.phone}, ${patient.name}, ${patient.email},
                                      ${reminders?.body ?? null}, ${reminders ? reminders.times.map((t) => new Date(t).toISOString()) : null}::timestamptz[])`;
  const { replayed, recorded, ...row } = found!;
  return replayed !== null ? { kind: 'replayed', answer: replayed } : { kind: 'row', row, recorded };
}

/** The new time claimed, the old appointment cancelled, the patient's text and the new reminders queued: one transaction. */
async function move(sql: Sql, s: MoveClaim): Promise<ClaimResult<MoveClaim>> {
  const { slot, text } = s;
  return withTenant(sql, slot.tenantId, async (tx) => {
    const [row] = await tx<(Omit<ClaimRow, 'outcome'> & { outcome: ClaimRow['outcome'] | 'not_found' })[]>`
      select * from reschedule_booking(${slot.tenantId}, ${s.oldBookingId}, ${s.patientPhone}, ${slot.providerId},
                                       ${slot.service.id}, ${new Date(slot.start)}, ${slot.callId},
                                       ${text?.callRowId ?? null}, ${text?.body ?? null})`;
    const { outcome, ...rest } = row!;
    if (outcome === 'not_found') return { kind: 'not_found' as const };
    if (outcome === 'created')
      await queueReminders(tx, { tenantId: slot.tenantId, bookingId: rest.bookingId!, ...s.reminders });
    return { kind: 'row' as const, row: { outcome, ...rest }, recorded: null };
  });
}
