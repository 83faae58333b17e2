import { LRUCache } from 'lru-cache';
import type { Sql } from '../db/client.ts';
import {
  type BookingChangeRow,
  type ConfirmHoldRequest,
  cancelBooking,
  confirmHold,
  expireOverdueHolds,
  releaseHold,
} from '../db/queries/booking-changes.ts';
import { queueReminders } from '../db/queries/reminders.ts';
import type { TenantTx } from '../db/tenant-scope.ts';
import { withTenant } from '../db/tenant-scope.ts';
import type {
  AnsweredClaim,
  ClaimResult,
  ClaimRow,
  ClaimStatement,
  PatientDetails,
  Reminders,
  SlotRequest,
} from '../domain/booking.ts';
import type { BookingChangeListener, SlotGate } from '../domain/ports.ts';
import type { Service } from '../domain/tenant.ts';
import { nearestAlternatives } from '../scheduling/alternatives.ts';
import { openSlots, withoutBusy } from '../scheduling/availability.ts';
import { dayAround } from '../scheduling/clinic-day.ts';
import { reminderTimes } from '../scheduling/reminder-times.ts';
import type { Slot } from '../scheduling/types.ts';
import {
  type AppointmentWords,
  appointmentWords,
  cancellationText,
  reminderText,
  rescheduleText,
} from '../sms/texts.ts';
import type { TenantContext } from '../tenants/directory.ts';

export type RefusalReason = 'past' | 'too_soon' | 'too_far' | 'closed';

export type ClaimedBooking = ClaimRow & {
  bookingId: string;
  providerId: string;
  holdToken: string;
  startsAt: Date;
  endsAt: Date;
};

export type ClaimAnswer =
  | {
      kind: 'claimed';
      booking: ClaimedBooking;
      existing: boolean /** The tool answer recorded with the claim. */;
      recorded?: unknown;
    }
  | { kind: 'unavailable'; alternatives: Slot[] }
  | { kind: 'refused'; reason: RefusalReason; alternatives: Slot[] };

export interface RescheduleInput {
  oldBookingId: string;
  patientPhone: string;
  service: Service;
  providerIds: string[];
  start: number;
  callId: string | null;
  /** The calls row asking, for the patient's text; null when staff move it. */
  callRowId: string | null;
}

/** An upcoming appointment being cancelled, as its row and the patient's text know it. */
export interface CancelledAppointment {
  bookingId: string;
  serviceId: string;
  providerId: string;
  startsAt: Date;
}

/** The appointment a hold becomes: its start (for the reminders) and how texts name it. */
export interface ConfirmedAppointment {
  startsAt: number;
  words: AppointmentWords;
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

/** Hears provider time that became free (a cancellation, a released or expired hold, a move), after the commit. */
export type TimeFreedListener = (tenantId: string, freed: { providerId: string; startsAt: Date; endsAt: Date }) => void;

/** Where a tool's answer is kept for replay; the answer depends on the provider the claim lands on. */
export interface AnswerRecord {
  toolCallId: string;
  tool: string;
  /** What a booking created on this provider answers; its booking id is written at `idPath` by the database. */
  answer: (providerId: string) => unknown;
  idPath: string[];
}

/** How far ahead alternatives and "next opening" answers look. */
const LOOKAHEAD_DAYS = 14;
const ALTERNATIVES = 3;
/** Alternatives are offers, re-checked by the claim; this bounds how long a remembered set follows the clock. */
const ALTERNATIVES_TTL_MS = 5_000;
const ALTERNATIVES_KEPT = 10_000;

/**
 * Availability and claims for one clinic: reads through the database, decides nothing the claim function decides.
 * Each database step is its own tenant transaction (db/tenant-scope.ts), committed before its change is reported.
 */
export class BookingService {
  private readonly freedListeners: TimeFreedListener[] = [];
  /** Recent alternatives by clinic, service, providers and requested time, valid for one availability version. */
  private readonly alternativesSeen = new LRUCache<string, { version: string; at: number; slots: Slot[] }>({
    max: ALTERNATIVES_KEPT,
  });

  constructor(
    private readonly sql: Sql,
    private readonly now: () => number,
    /** Claims go through it (it reports their changes); every other change is reported here after it committed. */
    private readonly slots: SlotGate & BookingChangeListener,
  ) {}

  /**
   * Free slots starting in [from, to); `keep` narrows them (a time of day) before any booking is read, so a question
   * no opening can answer costs no read, and the read covers only the time the remaining slots occupy.
   */
  async findSlots(
    ctx: TenantContext,
    q: { service: Service; providerIds: string[]; from: number; to: number; keep?: (slots: Slot[]) => Slot[] },
  ): Promise<Slot[]> {
    const { tenant, catalog } = ctx;
    const open = openSlots({
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
      from: q.from,
      to: q.to,
      now: this.now(),
    });
    const wanted = q.keep ? q.keep(open) : open;
    if (wanted.length === 0) return [];
    // A slot occupies from `before` ahead of its start to `after` past its end; starts and ends grow together.
    const { bufferBeforeMinutes, bufferAfterMinutes } = q.service;
    const busy = await this.slots.busy(
      tenant,
      [...new Set(wanted.map((s) => s.providerId))],
      wanted[0]!.start - bufferBeforeMinutes * MINUTE,
      wanted[wanted.length - 1]!.end + bufferAfterMinutes * MINUTE,
    );
    return withoutBusy(wanted, busy, q.service);
  }

  /**
   * Free slots a local day at a time from `from`, stopping once `enough` distinct start times are found (the day that
   * reaches it is kept whole) or after `days` days. Most answers need only the first day or two, and each day is one
   * cached busy-time read, so nobody pays for two weeks of slots to hear three of them.
   */
  async slotsFrom(
    ctx: TenantContext,
    q: {
      service: Service;
      providerIds: string[];
      from: number;
      enough: number;
      days?: number;
      keep?: (slots: Slot[]) => Slot[];
    },
  ): Promise<Slot[]> {
    const zone = ctx.tenant.timeZone;
    const found: Slot[] = [];
    const starts = new Set<number>();
    let dayStart = q.from;
    for (let day = 0; day < (q.days ?? LOOKAHEAD_DAYS) && starts.size < q.enough; day++) {
      const dayEnd = dayAround(dayStart, zone).end;
      const slots = await this.findSlots(ctx, {
        service: q.service,
        providerIds: q.providerIds,
        from: dayStart,
        to: dayEnd,
        keep: q.keep,
      });
      for (const slot of slots) {
        found.push(slot);
        starts.add(slot.start);
      }
      dayStart = dayEnd;
    }
    return found;
  }

  /** Sets of alternatives remembered now (at most ALTERNATIVES_KEPT). */
  get alternativesRemembered(): number {
    return this.alternativesSeen.size;
  }

  /**
   * The nearest free starts to `around`: that local day first, then the following days. Many callers refused the
   * same slot get the same offer, so it is remembered until the clinic's bookings change (or a few seconds pass):
   * a refusal under contention then costs no busy-time read at all.
   */
  async alternatives(ctx: TenantContext, service: Service, providerIds: string[], around: number): Promise<Slot[]> {
    const version = this.slots.availabilityVersion?.(ctx.tenant.id);
    const key = `${ctx.tenant.id}|${service.id}|${providerIds.join(',')}|${around}`;
    const now = this.now();
    const seen = version === undefined ? undefined : this.alternativesSeen.get(key);
    if (seen && seen.version === version && now - seen.at < ALTERNATIVES_TTL_MS) return seen.slots;
    const zone = ctx.tenant.timeZone;
    const from = Math.max(dayAround(around, zone).start, now);
    const free = await this.slotsFrom(ctx, { service, providerIds, from, enough: ALTERNATIVES });
    const slots = nearestAlternatives(free, Math.max(around, from), zone, ALTERNATIVES);
    if (version !== undefined) {
      this.alternativesSeen.set(key, { version, at: now, slots });
    }
    return slots;
  }

  onTimeFreed(listener: TimeFreedListener): void {
    this.freedListeners.push(listener);
  }

  /** A hold, or a direct booking (status 'confirmed') that queues its reminders in the claim's own statement. */
  async claim(ctx: TenantContext, input: ClaimInput): Promise<ClaimAnswer> {
    return this.firstProvider(ctx, input, (slot) => ({ ...this.claimOf(ctx, input, slot), record: null }));
  }

  /**
   * A tool's claim whose answer is kept for replay: each attempt checks for an earlier answer to the tool-call id,
   * claims, queues a booking's reminders and, if it created the booking, records the answer: one statement,
   * one round trip (claim_slot_answered). Other outcomes are the caller's to phrase and record.
   */
  async claimAnswered(
    ctx: TenantContext,
    input: ClaimInput,
    record: AnswerRecord,
  ): Promise<ClaimAnswer | { kind: 'replayed'; answer: unknown }> {
    return this.firstProvider(
      ctx,
      input,
      (slot): AnsweredClaim => ({
        ...this.claimOf(ctx, input, slot),
        record: { ...record, answer: record.answer(slot.providerId) },
      }),
    );
  }

  private claimOf(ctx: TenantContext, input: ClaimInput, slot: SlotRequest) {
    const words = () => appointmentWords(ctx, input.service.name, slot.providerId, input.start);
    return {
      kind: 'claim' as const,
      slot,
      status: input.status,
      patient: input.patient,
      reminders: input.status === 'confirmed' ? this.reminders(ctx, input.start, words()) : null,
    };
  }

  /** Gives a hold back; only its token can. Releasing twice is harmless (`not_held`). */
  async releaseHold(tenantId: string, bookingId: string, holdToken: string): Promise<BookingChangeRow> {
    return this.reported(
      tenantId,
      await withTenant(this.sql, tenantId, (tx) => this.releaseHoldIn(tx, tenantId, bookingId, holdToken)),
    );
  }

  /** releaseHold in the caller's transaction; the caller hands the row to `reported` once it has committed. */
  releaseHoldIn(tx: TenantTx, tenantId: string, bookingId: string, holdToken: string): Promise<BookingChangeRow> {
    return releaseHold(tx, tenantId, bookingId, holdToken);
  }

  /**
   * Compare-and-set on the hold token, queueing the confirmation SMS and the reminders in the same transaction;
   * `alsoOnConfirm` records what else a confirmation means (a waitlist offer accepted) in it too.
   */
  async confirmHold(
    ctx: TenantContext,
    request: ConfirmHoldRequest,
    appointment: ConfirmedAppointment,
    alsoOnConfirm?: (tx: TenantTx) => Promise<void>,
  ): Promise<BookingChangeRow> {
    const row = await withTenant(this.sql, request.tenantId, (tx) =>
      this.confirmHoldIn(tx, ctx, request, appointment, alsoOnConfirm),
    );
    return this.reported(request.tenantId, row);
  }

  /** confirmHold in the caller's transaction; the caller hands the row to `reported` once it has committed. */
  async confirmHoldIn(
    tx: TenantTx,
    ctx: TenantContext,
    request: ConfirmHoldRequest,
    appointment: ConfirmedAppointment,
    alsoOnConfirm?: (tx: TenantTx) => Promise<void>,
  ): Promise<BookingChangeRow> {
    // The reminders are sent with the confirmation, not after its answer: queue_reminders writes nothing for a
    // booking that is not confirmed, and one confirmed before already has them (deduped per booking and instant).
    const [row] = await Promise.all([
      confirmHold(tx, request),
      this.remind(tx, ctx, request.bookingId, appointment.startsAt, appointment.words),
    ]);
    if (row.outcome === 'confirmed') await alsoOnConfirm?.(tx);
    return row;
  }

  /** Cancels a patient's upcoming appointment and texts them, in one transaction. */
  async cancel(
    ctx: TenantContext,
    a: CancelledAppointment,
    patientPhone: string,
    callRowId: string | null,
  ): Promise<BookingChangeRow> {
    const tenantId = ctx.tenant.id;
    const service = ctx.catalog.services.find((s) => s.id === a.serviceId)?.name ?? 'appointment';
    const text = {
      callRowId,
      body: cancellationText(ctx.tenant, appointmentWords(ctx, service, a.providerId, a.startsAt.getTime())),
    };
    return this.reported(
      tenantId,
      await withTenant(this.sql, tenantId, (tx) => cancelBooking(tx, tenantId, a.bookingId, patientPhone, text)),
    );
  }

  /**
   * Claims the new time (first provider that has it; through the slot gate like any claim), cancels the old
   * appointment and queues the patient's text and the new reminders, in the same transaction.
   */
  async reschedule(
    ctx: TenantContext,
    input: RescheduleInput,
    old: { providerId: string; startsAt: Date; endsAt: Date },
  ): Promise<RescheduleAnswer> {
    const answer = await this.firstProvider(ctx, input, (slot) => {
      const words = appointmentWords(ctx, input.service.name, slot.providerId, input.start);
      return {
        kind: 'move' as const,
        slot,
        oldBookingId: input.oldBookingId,
        patientPhone: input.patientPhone,
        text: { callRowId: input.callRowId, body: rescheduleText(ctx.tenant, words) },
        reminders: this.reminders(ctx, input.start, words),
      };
    });
    if (answer.kind === 'claimed') {
      this.slots.bookingChanged({ tenantId: ctx.tenant.id, ...old });
      if (!answer.existing) this.freed(ctx.tenant.id, old);
    }
    return answer;
  }

  /** The sweeper's step: overdue holds become 'expired'. Operator work across clinics; safe on several instances at once. */
  async expireOverdueHolds(limit = 500): Promise<number> {
    const rows = await expireOverdueHolds(this.sql, limit);
    for (const row of rows) this.reported(row.tenantId, row);
    return rows.length;
  }

  /**
   * Hands the slot gate one statement per provider, in order, until one claims; otherwise says why. A replayed
   * tool call or a vanished appointment ends the search: nothing was claimed and no other provider would change that.
   */
  private async firstProvider<S extends ClaimStatement>(
    ctx: TenantContext,
    input: { service: Service; providerIds: string[]; start: number; callId: string | null },
    statementFor: (slot: SlotRequest) => S,
  ): Promise<ClaimAnswer | Exclude<ClaimResult<S>, { kind: 'row' }>> {
    let taken = false;
    let closed = false;
    for (const providerId of input.providerIds) {
      const slot = {
        tenantId: ctx.tenant.id,
        providerId,
        service: input.service,
        start: input.start,
        callId: input.callId,
      };
      const result: ClaimResult | 'known_taken' = await this.slots.claim(ctx.tenant, statementFor(slot));
      if (result === 'known_taken') {
        taken = true;
        continue;
      }
      if (result.kind !== 'row') return result as Exclude<ClaimResult<S>, { kind: 'row' }>;
      const { row, recorded } = result;
      switch (row.outcome) {
        case 'created':
        case 'existing':
          return {
            kind: 'claimed',
            booking: row as ClaimedBooking,
            existing: row.outcome === 'existing',
            ...(recorded !== null && { recorded }),
          };
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
          return {
            kind: 'refused',
            reason: row.outcome,
            alternatives: await this.alternatives(ctx, input.service, input.providerIds, input.start),
          };
        case 'unknown_service':
          throw new Error(`claim_slot: service ${input.service.id} vanished from tenant ${ctx.tenant.id}`);
      }
    }
    const alternatives = await this.alternatives(ctx, input.service, input.providerIds, input.start);
    return closed && !taken
      ? { kind: 'refused', reason: 'closed', alternatives }
      : { kind: 'unavailable', alternatives };
  }

  private async remind(
    tx: TenantTx,
    ctx: TenantContext,
    bookingId: string,
    start: number,
    words: AppointmentWords,
  ): Promise<void> {
    await queueReminders(tx, { tenantId: ctx.tenant.id, bookingId, ...this.reminders(ctx, start, words) });
  }

  /** An appointment's reminder text and the instants it goes out. */
  private reminders(ctx: TenantContext, start: number, words: AppointmentWords): Reminders {
    const { tenant } = ctx;
    const times = reminderTimes(start, this.now(), {
      timeZone: tenant.timeZone,
      hoursBefore: tenant.reminderHours,
      quiet: { start: tenant.quietHoursStart, end: tenant.quietHoursEnd },
    });
    return { body: reminderText(tenant, words), times };
  }

  /** Tells the coordinator and the freed-time listeners about a committed change (only ever after its commit). */
  reported(tenantId: string, row: BookingChangeRow): BookingChangeRow {
    if (
      row.providerId &&
      row.startsAt &&
      row.endsAt &&
      ['released', 'cancelled', 'confirmed', 'expired'].includes(row.outcome)
    ) {
      const change = { providerId: row.providerId, startsAt: row.startsAt, endsAt: row.endsAt };
      this.slots.bookingChanged({ tenantId, ...change });
      if (row.outcome !== 'confirmed') this.freed(tenantId, change);
    }
    return row;
  }

  private freed(tenantId: string, change: { providerId: string; startsAt: Date; endsAt: Date }): void {
    for (const listener of this.freedListeners) listener(tenantId, change);
  }
}

const MINUTE = 60_000;
