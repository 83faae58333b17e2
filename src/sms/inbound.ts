import type { FastifyBaseLogger } from 'fastify';
import type { BookingService } from '../booking/booking-service.ts';
import type { Sql } from '../db/client.ts';
import {
  type AppointmentBrief,
  appointmentBrief,
  askToCancel,
  type Conversation,
  clinicPhone,
  closeCancelQuestion,
  forgetInbound,
  isOptedOut,
  markPatientConfirmed,
  openConversation,
  optIn,
  optOut,
  recordInbound,
  recordRescheduleRequest,
  settleInbound,
} from '../db/queries/sms-replies.ts';
import { findOffer } from '../db/queries/waitlist.ts';
import { type TenantTx, withTenant } from '../db/tenant-scope.ts';
import type { TenantContext } from '../tenants/directory.ts';
import type { WaitlistService } from '../waitlist/waitlist-service.ts';
import { type ReplyWord, understandReply } from './reply-words.ts';
import { type AppointmentWords, appointmentWords, repliesText } from './texts.ts';

export interface InboundMessage {
  messageSid: string;
  from: string;
  body: string;
}

interface Answer {
  /** What the text was taken as, kept with the message. */
  as: string;
  /** The reply to send back in the TwiML answer; null says nothing. */
  reply: string | null;
}

/**
 * A patient's text to the clinic: opt-out keywords first (the law), then an answer to their latest open conversation
 * (a cancel question, a waitlist offer, a reminder). Each MessageSid is handled once: a repeated delivery gets the
 * first answer again and changes nothing.
 */
export class InboundSms {
  constructor(
    private readonly deps: {
      sql: Sql;
      booking: BookingService;
      waitlist: WaitlistService;
      log: FastifyBaseLogger;
      smsQueued: () => void;
    },
  ) {}

  async handle(ctx: TenantContext, m: InboundMessage): Promise<string | null> {
    const tenantId = ctx.tenant.id;
    const first = await this.tx(tenantId, (tx) => recordInbound(tx, { tenantId, ...m }));
    if (first.kind === 'repeat') return first.reply;
    const word = understandReply(m.body);
    const answer = await this.answer(ctx, m, word).catch(async (err: unknown) => {
      await this.tx(tenantId, (tx) => forgetInbound(tx, tenantId, m.messageSid));
      throw err;
    });
    await this.tx(tenantId, (tx) => settleInbound(tx, tenantId, m.messageSid, answer.as, answer.reply));
    this.deps.log.info({ tenantId, messageSid: m.messageSid, word, as: answer.as }, 'inbound sms handled');
    return answer.reply;
  }

  private async answer(ctx: TenantContext, m: InboundMessage, word: ReplyWord): Promise<Answer> {
    const { id: tenantId, name: clinic } = ctx.tenant;
    const phone = m.from;
    if (word === 'stop') return this.optOut(ctx, phone, m.body);
    if (word === 'start') {
      await this.tx(tenantId, (tx) => optIn(tx, tenantId, phone));
      return { as: 'opt_in', reply: repliesText.optedIn(clinic) };
    }
    if (word === 'help') {
      const number = await this.tx(tenantId, (tx) => clinicPhone(tx, tenantId));
      return { as: 'help', reply: repliesText.help(clinic, number) };
    }
    const [optedOut, conversation] = await this.tx(tenantId, (tx) =>
      Promise.all([isOptedOut(tx, tenantId, phone), openConversation(tx, tenantId, phone)]),
    );
    if (optedOut) {
      // Nothing goes to an opted-out number but the answer to its own START (or YES with nothing else to answer).
      if (word === 'yes') {
        await this.tx(tenantId, (tx) => optIn(tx, tenantId, phone));
        return { as: 'opt_in', reply: repliesText.optedIn(clinic) };
      }
      return { as: 'ignored_opted_out', reply: null };
    }
    // CANCEL is the carriers' opt-out keyword too: it means "cancel my appointment" only where an appointment is open.
    if (word === 'cancel' && conversation?.kind !== 'reminder' && conversation?.kind !== 'cancel_question')
      return this.optOut(ctx, phone, m.body);
    if (!conversation) {
      const number = await this.tx(tenantId, (tx) => clinicPhone(tx, tenantId));
      return { as: 'help', reply: repliesText.help(clinic, number) };
    }
    switch (conversation.kind) {
      case 'offer':
        return this.answerOffer(ctx, conversation, word);
      case 'reminder':
      case 'cancel_question':
        return this.answerAppointment(ctx, conversation, word, m);
    }
  }

  private async optOut(ctx: TenantContext, phone: string, body: string): Promise<Answer> {
    const tenantId = ctx.tenant.id;
    const conversation = await this.tx(tenantId, async (tx) => {
      await optOut(tx, { tenantId, phone, keyword: body.trim().slice(0, 40) || 'STOP', source: 'sms' });
      return openConversation(tx, tenantId, phone);
    });
    // An offer they can no longer hear about goes to the next in line.
    if (conversation?.kind === 'offer') {
      const offer = await this.tx(tenantId, (tx) => findOffer(tx, tenantId, conversation.id));
      if (offer) await this.deps.waitlist.decline(ctx, offer);
    }
    return { as: 'opt_out', reply: repliesText.optedOut(ctx.tenant.name) };
  }

  private async answerOffer(ctx: TenantContext, c: Conversation, word: ReplyWord): Promise<Answer> {
    const tenantId = ctx.tenant.id;
    const clinic = ctx.tenant.name;
    const offer = await this.tx(tenantId, (tx) => findOffer(tx, tenantId, c.id));
    if (!offer) return { as: 'offer_gone', reply: repliesText.offerGone(clinic) };
    if (word === 'yes' || word === 'confirm') {
      const outcome = await this.deps.waitlist.accept(ctx, offer);
      // The confirmation text (from the outbox, like every booking's) is the answer.
      return outcome === 'booked'
        ? { as: 'offer_accepted', reply: null }
        : { as: 'offer_gone', reply: repliesText.offerGone(clinic) };
    }
    if (word === 'no') {
      await this.deps.waitlist.decline(ctx, offer);
      return { as: 'offer_declined', reply: repliesText.offerDeclined(clinic) };
    }
    const service = ctx.catalog.services.find((s) => s.id === offer.serviceId)?.name ?? 'appointment';
    return {
      as: 'offer_help',
      reply: repliesText.offerHelp(clinic, appointmentWords(ctx, service, offer.providerId, offer.startsAt.getTime())),
    };
  }

  private async answerAppointment(
    ctx: TenantContext,
    c: Conversation,
    word: ReplyWord,
    m: InboundMessage,
  ): Promise<Answer> {
    const tenantId = ctx.tenant.id;
    const clinic = ctx.tenant.name;
    const a = await this.tx(tenantId, (tx) => appointmentBrief(tx, tenantId, c.bookingId));
    if (!a) return { as: 'help', reply: repliesText.reminderHelp(clinic) };
    const words = wordsOf(ctx, a);
    const closeQuestion = (tx: TenantTx) =>
      c.kind === 'cancel_question' ? closeCancelQuestion(tx, tenantId, c.id) : Promise.resolve();

    if (word === 'yes' && c.kind === 'cancel_question') {
      // The normal cancellation path: the cancellation text it queues is the answer.
      const row = await this.deps.booking.cancel(
        ctx,
        { bookingId: a.bookingId, serviceId: a.serviceId, providerId: a.providerId, startsAt: a.startsAt },
        a.patientPhone,
        null,
      );
      await this.tx(tenantId, closeQuestion);
      this.deps.smsQueued();
      return row.outcome === 'cancelled'
        ? { as: 'cancelled', reply: null }
        : { as: 'cancel_failed', reply: repliesText.reminderHelp(clinic) };
    }
    if (word === 'yes' || word === 'confirm') {
      await this.tx(tenantId, async (tx) => {
        await markPatientConfirmed(tx, tenantId, a.bookingId);
        await closeQuestion(tx);
      });
      return { as: 'patient_confirmed', reply: repliesText.confirmed(clinic, words) };
    }
    if (word === 'reschedule') {
      await this.tx(tenantId, async (tx) => {
        await recordRescheduleRequest(tx, {
          tenantId,
          bookingId: a.bookingId,
          phone: m.from,
          messageSid: m.messageSid,
        });
        await closeQuestion(tx);
      });
      return { as: 'reschedule_requested', reply: repliesText.callBack(clinic) };
    }
    if (word === 'cancel') {
      await this.tx(tenantId, (tx) => askToCancel(tx, tenantId, m.from, a.bookingId));
      return { as: 'cancel_asked', reply: repliesText.cancelQuestion(clinic, words) };
    }
    if (word === 'no' && c.kind === 'cancel_question') {
      await this.tx(tenantId, closeQuestion);
      return { as: 'kept', reply: repliesText.kept(clinic, words) };
    }
    return c.kind === 'cancel_question'
      ? { as: 'help', reply: repliesText.cancelQuestion(clinic, words) }
      : { as: 'help', reply: repliesText.reminderHelp(clinic) };
  }

  private tx<T>(tenantId: string, fn: (tx: TenantTx) => Promise<T>): Promise<T> {
    return withTenant(this.deps.sql, tenantId, fn);
  }
}

function wordsOf(ctx: TenantContext, a: AppointmentBrief): AppointmentWords {
  const service = ctx.catalog.services.find((s) => s.id === a.serviceId)?.name ?? 'appointment';
  return appointmentWords(ctx, service, a.providerId, a.startsAt.getTime());
}
