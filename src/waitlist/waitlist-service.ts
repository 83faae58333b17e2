import type { FastifyBaseLogger } from 'fastify';
import { DateTime } from 'luxon';
import type { BookingService } from '../booking/booking-service.ts';
import type { Sql } from '../db/client.ts';
import { slugOf } from '../db/queries/sms-replies.ts';
import {
  candidatesFor,
  createOffer,
  decideOffer,
  insertWaitlistEntry,
  lapsedOffers,
  markEntryBooked,
  type NewWaitlistEntry,
  type OfferRow,
  offeredStarts,
  type WaitlistEntryRow,
} from '../db/queries/waitlist.ts';
import { withTenant } from '../db/tenant-scope.ts';
import { filterTimeOfDay } from '../scheduling/availability.ts';
import { quietUntil } from '../scheduling/reminder-times.ts';
import { clinicZone } from '../scheduling/zone.ts';
import { appointmentWords, confirmationText, offerText } from '../sms/texts.ts';
import type { TenantContext, TenantDirectory } from '../tenants/directory.ts';

export interface WaitlistDeps {
  sql: Sql;
  booking: BookingService;
  tenants: TenantDirectory;
  now: () => number;
  log: FastifyBaseLogger;
  /** Nudges the SMS dispatcher after an offer or a confirmation was queued. */
  smsQueued: () => void;
  /** How often open offers are checked for their time running out. */
  sweepIntervalMs: number;
}

interface Freed {
  providerId: string;
  startsAt: Date;
  endsAt: Date;
}

export type OfferReply = 'booked' | 'declined' | 'gone';

/**
 * The waitlist: when provider time frees up, the first waiting patient it suits is texted an offer and the slot is
 * held for them through the ordinary claim path (a hold like any other, so nobody else — a caller, another waiting
 * patient — can take it meanwhile). YES confirms the hold; NO or the offer's time running out releases it, which frees
 * the time again and offers it to the next in line. Matching runs one freed range at a time in this process.
 */
export class WaitlistService {
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(private readonly deps: WaitlistDeps) {}

  start(): void {
    this.deps.booking.onTimeFreed((tenantId, freed) => this.freed(tenantId, freed));
    this.timer ??= setInterval(() => {
      this.sweeping ??= this.sweep().finally(() => (this.sweeping = undefined));
    }, this.deps.sweepIntervalMs).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([this.sweeping, this.queue]);
  }

  join(ctx: TenantContext, entry: Omit<NewWaitlistEntry, 'tenantId'>): Promise<WaitlistEntryRow> {
    return withTenant(this.deps.sql, ctx.tenant.id, (tx) =>
      insertWaitlistEntry(tx, { ...entry, tenantId: ctx.tenant.id }),
    );
  }

  /** Queued behind earlier ranges, after the change that freed it committed. */
  freed(tenantId: string, freed: Freed): void {
    this.queue = this.queue.then(() =>
      this.match(tenantId, freed).catch((err: unknown) =>
        this.deps.log.error({ err, tenantId }, 'waitlist matching failed'),
      ),
    );
  }

  /** YES to an offer: the hold becomes the appointment (confirmation text, reminders) and the entry is done. */
  async accept(ctx: TenantContext, offer: OfferRow): Promise<OfferReply> {
    if (offer.expiresAt.getTime() <= this.deps.now()) {
      await this.lapse(ctx.tenant.id, offer, 'expired');
      return 'gone';
    }
    const service = ctx.catalog.services.find((s) => s.id === offer.serviceId)?.name ?? 'appointment';
    const words = appointmentWords(ctx, service, offer.providerId, offer.startsAt.getTime());
    const tenantId = ctx.tenant.id;
    const row = await this.deps.booking
      .confirmHold(
        ctx,
        {
          tenantId,
          bookingId: offer.bookingId,
          holdToken: offer.holdToken,
          callRowId: null,
          sms: { to: offer.phoneE164, body: confirmationText(ctx.tenant, words) },
        },
        { startsAt: offer.startsAt.getTime(), words },
        async (tx) => {
          if (!(await decideOffer(tx, tenantId, offer.id, 'accepted'))) throw new OfferDecided();
          await markEntryBooked(tx, tenantId, offer.entryId, offer.bookingId);
        },
      )
      .catch((err: unknown) => {
        if (err instanceof OfferDecided) return undefined;
        throw err;
      });
    if (row?.outcome === 'confirmed' || row?.outcome === 'already') {
      this.deps.smsQueued();
      return 'booked';
    }
    // The hold lapsed in the database (its own expiry) before the reply: the time may be someone else's now.
    await withTenant(this.deps.sql, tenantId, (tx) => decideOffer(tx, tenantId, offer.id, 'lost'));
    return 'gone';
  }

  /** NO to an offer: the slot goes to the next in line. */
  async decline(ctx: TenantContext, offer: OfferRow): Promise<void> {
    await this.lapse(ctx.tenant.id, offer, 'declined');
  }

  /** Offers whose time ran out by this clock: released, so the slot is offered on. */
  async sweep(): Promise<void> {
    try {
      for (const offer of await lapsedOffers(this.deps.sql, this.deps.now(), 100))
        await this.lapse(offer.tenantId, offer, 'expired');
    } catch (err) {
      this.deps.log.error({ err }, 'waitlist offer sweep failed');
    }
  }

  private async lapse(tenantId: string, offer: OfferRow, status: 'declined' | 'expired'): Promise<void> {
    if (!(await withTenant(this.deps.sql, tenantId, (tx) => decideOffer(tx, tenantId, offer.id, status)))) return;
    // Releasing reports the freed time, which offers it to the next waiting patient.
    await this.deps.booking.releaseHold(tenantId, offer.bookingId, offer.holdToken);
    this.deps.log.info({ tenantId, offerId: offer.id, status }, 'waitlist offer closed');
  }

  private async match(tenantId: string, freed: Freed): Promise<void> {
    const slug = await slugOf(this.deps.sql, tenantId);
    const ctx = slug ? await this.deps.tenants.get(slug) : undefined;
    if (!ctx) return;
    const { tenant } = ctx;
    const now = this.deps.now();
    const log = this.deps.log.child({ tenantId, providerId: freed.providerId, startsAt: freed.startsAt.toISOString() });
    if (quietUntil(now, tenant.timeZone, { start: tenant.quietHoursStart, end: tenant.quietHoursEnd }) !== null) {
      log.info('waitlist matching done: quiet hours, nothing offered');
      return;
    }
    const localDate = DateTime.fromJSDate(freed.startsAt, { zone: clinicZone(tenant.timeZone) }).toISODate()!;
    const entries = await withTenant(this.deps.sql, tenantId, (tx) =>
      candidatesFor(tx, tenantId, freed.providerId, localDate),
    );
    let offers = 0;
    for (const entry of entries) {
      if (await this.offerTo(ctx, entry, freed, now)) offers++;
    }
    log.info({ candidates: entries.length, offers }, 'waitlist matching done');
    if (offers > 0) this.deps.smsQueued();
  }

  /**
   * The first free start in the freed range that suits the entry, held and offered; false when none could be. A time
   * overlapping one the entry was offered before (and passed on, or let lapse) is not offered to it again.
   */
  private async offerTo(ctx: TenantContext, entry: WaitlistEntryRow, freed: Freed, now: number): Promise<boolean> {
    const { tenant } = ctx;
    const service = ctx.catalog.services.find((s) => s.id === entry.serviceId);
    if (!service?.providerIds.includes(freed.providerId)) return false;
    const offered = await withTenant(this.deps.sql, tenant.id, (tx) => offeredStarts(tx, entry.id));
    const slots = filterTimeOfDay(
      await this.deps.booking.findSlots(ctx, {
        service,
        providerIds: [freed.providerId],
        from: freed.startsAt.getTime(),
        to: freed.endsAt.getTime(),
      }),
      entry.timeOfDay ?? undefined,
      tenant.timeZone,
    ).filter((s) => !offered.some((o) => Math.abs(s.start - o) < service.durationMinutes * 60_000));
    for (const slot of slots) {
      const claim = await this.deps.booking.claim(ctx, {
        service,
        providerIds: [freed.providerId],
        start: slot.start,
        status: 'held',
        callId: null,
        patient: { phone: entry.phoneE164, name: entry.patientName, email: null },
      });
      if (claim.kind !== 'claimed') continue;
      const b = claim.booking;
      const minutes = tenant.waitlistOfferMinutes;
      const text = offerText(tenant, appointmentWords(ctx, service.name, b.providerId, slot.start), minutes);
      const offerId = await withTenant(this.deps.sql, tenant.id, (tx) =>
        createOffer(tx, {
          tenantId: tenant.id,
          entryId: entry.id,
          bookingId: b.bookingId,
          holdToken: b.holdToken,
          providerId: b.providerId,
          startsAt: b.startsAt,
          expiresAt: now + minutes * 60_000,
          minutes,
          phone: entry.phoneE164,
          text,
        }),
      );
      if (offerId) {
        this.deps.log.info({ tenantId: tenant.id, offerId, entryId: entry.id }, 'waitlist offer made');
        return true;
      }
      await this.deps.booking.releaseHold(tenant.id, b.bookingId, b.holdToken);
      return false;
    }
    return false;
  }
}

/** The offer was decided meanwhile (a second delivery of the reply, or the time-out): the confirmation rolls back. */
class OfferDecided extends Error {}
