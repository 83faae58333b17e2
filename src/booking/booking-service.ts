import { DateTime } from 'luxon';
import type { Sql } from '../db/client.ts';
import {
  type BookingChangeRow,
  cancelBooking,
  confirmHold,
  type ConfirmHoldRequest,
  expireOverdueHolds,
  releaseHold,
  rescheduleBooking,
} from '../db/queries/booking-changes.ts';
import { busyRanges, claimSlot, type ClaimRow, type PatientDetails } from '../db/queries/bookings.ts';
import type { Service } from '../db/queries/tenants.ts';
import { nearestAlternatives } from '../scheduling/alternatives.ts';
import { freeSlots } from '../scheduling/availability.ts';
import type { Slot } from '../scheduling/types.ts';
import type { TenantContext } from '../tenants/directory.ts';

export type RefusalReason = 'past' | 'too_soon' | 'too_far' | 'closed';

export type ClaimedBooking = ClaimRow & { bookingId: string; providerId: string; holdToken: string; startsAt: Date; endsAt: Date };

export type ClaimAnswer =
  | { kind: 'claimed'; booking: ClaimedBooking; existing: boolean }
  | { kind: 'unavailable'; alternatives: Slot[] }
  | { kind: 'refused'; reason: RefusalReason; alternatives: Slot[] };

export interface RescheduleInput {
  oldBookingId: string;
  patientPhone: string;
  service: Service;
  providerIds: string[];
  start: number;
  callId: string | null;
}

export type RescheduleAnswer = ClaimAnswer | { kind: 'not_found' };

export interface ClaimInput {
  service: Service;
  /** Providers to try, in order of preference; one entry when the caller asked for someone. */
  providerIds: string[];
  start: number;
  status: 'held' | 'confirmed';
  callId: string | null;
  patient: PatientDetails;
}

/** A provider's time changed (claimed, confirmed, released, cancelled, expired): caches of it must be dropped. */
export interface BookingChange {
  tenantId: string;
  providerId: string;
  startsAt: Date;
  endsAt: Date;
}

export interface BookingChangeListener {
  bookingChanged(change: BookingChange): void;
}

const ignoreChanges: BookingChangeListener = { bookingChanged: () => {} };

/** How far ahead alternatives and "next opening" answers look. */
const LOOKAHEAD_DAYS = 14;

/** Availability and claims for one clinic: reads through the database, decides nothing the claim function decides. */
export class BookingService {
  constructor(
    private readonly sql: Sql,
    private readonly now: () => number,
    /** Every successful state change is reported here, after it committed. */
    private readonly changes: BookingChangeListener = ignoreChanges,
  ) {}

  async findSlots(ctx: TenantContext, q: { service: Service; providerIds: string[]; from: number; to: number }): Promise<Slot[]> {
    const { tenant, catalog } = ctx;
    const busy = await busyRanges(this.sql, tenant.id, q.providerIds, q.from - dayMs, q.to + dayMs);
    return freeSlots({
      rules: {
        timeZone: tenant.timeZone,
        slotStepMinutes: tenant.slotStepMinutes,
        minNoticeMinutes: tenant.minNoticeMinutes,
        horizonDays: tenant.horizonDays,
      },
      service: q.service,
      providerIds: q.providerIds,
      hours: catalog.hours,
      exceptions: catalog.exceptions,
      busy,
      from: q.from,
      to: q.to,
      now: this.now(),
    });
  }

  /** The nearest free starts to `around`: that local day first, then the following days. */
  async alternatives(ctx: TenantContext, service: Service, providerIds: string[], around: number): Promise<Slot[]> {
    const zone = ctx.tenant.timeZone;
    const from = Math.max(DateTime.fromMillis(around, { zone }).startOf('day').toMillis(), this.now());
    const to = DateTime.fromMillis(from, { zone }).plus({ days: LOOKAHEAD_DAYS }).toMillis();
    const free = await this.findSlots(ctx, { service, providerIds, from, to });
    return nearestAlternatives(free, Math.max(around, from), zone);
  }

  async claim(ctx: TenantContext, input: ClaimInput): Promise<ClaimAnswer> {
    const answer = await this.firstProvider(ctx, input, (providerId) =>
      claimSlot(this.sql, {
        tenantId: ctx.tenant.id,
        providerId,
        serviceId: input.service.id,
        patient: input.patient,
        start: input.start,
        status: input.status,
        callId: input.callId,
      }),
    );
    return answer as ClaimAnswer;
  }

  /** Gives a hold back; only its token can. Releasing twice is harmless (`not_held`). */
  async releaseHold(tenantId: string, bookingId: string, holdToken: string): Promise<BookingChangeRow> {
    return this.reported(tenantId, await releaseHold(this.sql, tenantId, bookingId, holdToken));
  }

  /** Compare-and-set on the hold token, queueing the confirmation SMS in the same transaction. */
  async confirmHold(request: ConfirmHoldRequest): Promise<BookingChangeRow> {
    return this.reported(request.tenantId, await confirmHold(this.sql, request));
  }

  async cancel(tenantId: string, bookingId: string, patientPhone: string): Promise<BookingChangeRow> {
    return this.reported(tenantId, await cancelBooking(this.sql, tenantId, bookingId, patientPhone));
  }

  /** Claims the new time (first provider that has it) and cancels the old appointment in the same transaction. */
  async reschedule(ctx: TenantContext, input: RescheduleInput, old: { providerId: string; startsAt: Date; endsAt: Date }): Promise<RescheduleAnswer> {
    const answer = await this.firstProvider(ctx, input, async (providerId) => {
      const row = await rescheduleBooking(this.sql, { tenantId: ctx.tenant.id, ...input, serviceId: input.service.id, providerId });
      return row.outcome === 'not_found' ? null : (row as ClaimRow);
    });
    if (answer.kind === 'claimed') this.changes.bookingChanged({ tenantId: ctx.tenant.id, ...old });
    return answer;
  }

  /** The sweeper's step: overdue holds become 'expired'. Safe to run on several instances at once. */
  async expireOverdueHolds(limit = 500): Promise<number> {
    const rows = await expireOverdueHolds(this.sql, limit);
    for (const row of rows) this.reported(row.tenantId, row);
    return rows.length;
  }

  /**
   * Runs one claim attempt per provider, in order, until one claims; otherwise says why, with alternatives.
   * An attempt answering null means there is nothing to claim for (`not_found`).
   */
  private async firstProvider(
    ctx: TenantContext,
    input: { service: Service; providerIds: string[]; start: number },
    attempt: (providerId: string) => Promise<ClaimRow | null>,
  ): Promise<RescheduleAnswer> {
    let taken = false;
    let closed = false;
    for (const providerId of input.providerIds) {
      const row = await attempt(providerId);
      if (!row) return { kind: 'not_found' };
      switch (row.outcome) {
        case 'created':
        case 'existing': {
          const booking = row as ClaimedBooking;
          this.changes.bookingChanged({ tenantId: ctx.tenant.id, providerId: booking.providerId, startsAt: booking.startsAt, endsAt: booking.endsAt });
          return { kind: 'claimed', booking, existing: row.outcome === 'existing' };
        }
        case 'conflict':
          taken = true;
          continue;
        case 'unknown_provider':
          continue;
        case 'closed':
          // Another provider may work at that hour; a time outside everyone's hours is refused below.
          closed = true;
          continue;
        case 'past':
        case 'too_soon':
        case 'too_far':
          return { kind: 'refused', reason: row.outcome, alternatives: await this.alternatives(ctx, input.service, input.providerIds, input.start) };
        case 'unknown_service':
          throw new Error(`claim_slot: service ${input.service.id} vanished from tenant ${ctx.tenant.id}`);
      }
    }
    const alternatives = await this.alternatives(ctx, input.service, input.providerIds, input.start);
    return closed && !taken ? { kind: 'refused', reason: 'closed', alternatives } : { kind: 'unavailable', alternatives };
  }

  private reported(tenantId: string, row: BookingChangeRow): BookingChangeRow {
    if (row.providerId && row.startsAt && row.endsAt && ['released', 'cancelled', 'confirmed', 'expired'].includes(row.outcome)) {
      this.changes.bookingChanged({ tenantId, providerId: row.providerId, startsAt: row.startsAt, endsAt: row.endsAt });
    }
    return row;
  }
}

const dayMs = 86_400_000;
