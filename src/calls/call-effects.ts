// The side effects the call machine names, against the database. Each does its work in its step's transaction
// (step-scope.ts), so a step commits as one; only a claim goes through the slot coordinator on a connection of its own.
// Each may run twice for the same step (a restored actor reruns an effect that was in flight), so each is idempotent:
// claims by call and start, codes by request id, confirmation by compare-and-set on the hold token, releases by token.
import { DateTime } from 'luxon';
import { fromPromise } from 'xstate';
import type {
  CallContext,
  ConfirmOutput,
  EffectInputs,
  Hold,
  Reply,
  ResendOutput,
  ReserveOutput,
  SendCodeOutput,
  VerifyOutput,
} from '../../machines/call-machine.ts';
import { callMachine } from '../../machines/call-machine.ts';
import type { BookingService } from '../booking/booking-service.ts';
import { describeClaim } from '../booking/describe-claim.ts';
import type { Sql } from '../db/client.ts';
import { checkOtp, issueOtp } from '../db/queries/otp.ts';
import { queueConfirmationAgain } from '../db/queries/sms-outbox.ts';
import type { TenantTx } from '../db/tenant-scope.ts';
import { answer, withDate } from '../domain/answer.ts';
import { newOtpCode, otpDigest } from '../otp/otp-code.ts';
import { clinicZone } from '../scheduling/zone.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { appointmentWords, codeText, confirmationText } from '../sms/texts.ts';
import type { TenantContext, TenantDirectory } from '../tenants/directory.ts';
import { type ChangeRequest, changeAppointment } from './change-appointment.ts';
import type { StepScopes } from './step-scope.ts';

/** What reserve_slot asks the machine to hold (plain JSON: it is part of the persisted snapshot). */
export interface ReserveRequest {
  serviceId: string;
  providerIds: string[];
  start: number;
  patientName: string;
  patientPhone: string;
  patientEmail: string | null;
  preface: string;
  /** The clinic-local day the caller named (ISO), carried in every answer about it, held or not. */
  day: string | null;
}

/** Sends per hold and per number per hour; the per-clinic hourly cap is the tenant's otp_sends_per_hour. */
export const OTP_LIMITS = { perHold: 3, perPhonePerHour: 5 } as const;
/** Confirmation texts per appointment, the first included. */
const MAX_CONFIRMATIONS = 3;

export interface CallEffectsDeps {
  /** A change of appointment runs its own transactions (change-appointment.ts). */
  sql: Sql;
  /** The step transactions the effects work in (and the pool, for an effect that outlasted its step). */
  steps: StepScopes;
  booking: BookingService;
  tenants: TenantDirectory;
  secrets: SecretBox;
  otpPepper: Buffer;
  /** Nudges the SMS dispatcher after a message was queued. */
  smsQueued: () => void;
  now: () => number;
}

export function provideCallEffects(deps: CallEffectsDeps) {
  const tenantOf = async (c: CallContext): Promise<TenantContext> => {
    const t = await deps.tenants.get(c.tenantSlug);
    if (!t) throw new Error(`clinic ${c.tenantSlug} is gone`);
    return t;
  };

  const release = async (c: CallContext, hold: Hold | null) => {
    if (!hold) return;
    await deps.steps.transact(
      c,
      (tx) => deps.booking.releaseHoldIn(tx, c.tenantId, hold.bookingId, hold.holdToken),
      (row) => deps.booking.reported(c.tenantId, row),
    );
  };

  /** Confirms the hold and queues its confirmation text in `tx`; what must wait for the commit is returned. */
  const confirmIn = async (tx: TenantTx, c: CallContext, hold: Hold) => {
    const t = await tenantOf(c);
    const words = appointmentWords(t, hold.serviceName, hold.providerId, hold.startsAt);
    const row = await deps.booking.confirmHoldIn(
      tx,
      t,
      {
        tenantId: c.tenantId,
        bookingId: hold.bookingId,
        holdToken: hold.holdToken,
        callRowId: c.callRowId,
        sms: { to: hold.patientPhone, body: confirmationText(t.tenant, words) },
      },
      { startsAt: hold.startsAt, words },
    );
    const output: ConfirmOutput =
      row.outcome === 'confirmed' || row.outcome === 'already'
        ? { kind: 'booked', appointmentId: hold.bookingId }
        : { kind: 'hold_gone' };
    return { output, committed: () => afterConfirm(c, row, output) };
  };

  const afterConfirm = (c: CallContext, row: Parameters<BookingService['reported']>[1], output: ConfirmOutput) => {
    deps.booking.reported(c.tenantId, row);
    if (output.kind === 'booked') deps.smsQueued();
  };

  const confirm = async (c: CallContext, hold: Hold): Promise<ConfirmOutput> => {
    const done = await deps.steps.transact(
      c,
      (tx) => confirmIn(tx, c, hold),
      (d) => d.committed(),
    );
    return done.output;
  };

  return callMachine.provide({
    actors: {
      reserveSlot: fromPromise<ReserveOutput, EffectInputs['reserveSlot']>(async ({ input }) => {
        const req = input.request as ReserveRequest;
        const t = await tenantOf(input.context);
        const service = t.catalog.services.find((s) => s.id === req.serviceId);
        if (!service) throw new Error(`service ${req.serviceId} is gone`);
        const now = deps.now();
        const outcome = await deps.booking.claim(t, {
          service,
          providerIds: req.providerIds,
          start: req.start,
          status: 'held',
          callId: input.context.vapiCallId,
          patient: { phone: req.patientPhone, name: req.patientName, email: req.patientEmail },
        });
        if (outcome.kind === 'claimed' && outcome.booking.status === 'held') {
          const b = outcome.booking;
          // A swap: the new time is held before the earlier one is let go, so the caller never has neither.
          if (input.previous && input.previous.bookingId !== b.bookingId) await release(input.context, input.previous);
          const zone = t.tenant.timeZone;
          const hold: Hold = {
            bookingId: b.bookingId,
            holdToken: b.holdToken,
            providerId: b.providerId,
            serviceName: service.name,
            startsAt: b.startsAt.getTime(),
            endsAt: b.endsAt.getTime(),
            expiresAt: b.expiresAt!.getTime(),
            label: '',
            patientPhone: req.patientPhone,
          };
          const reply = describeClaim(t, outcome, req.start, now, req.preface, (_, slot) => {
            hold.label = `${service.name} with ${slot.provider} ${slot.label}`;
            const minutes = Math.max(1, Math.round((hold.expiresAt - now) / 60_000));
            // With the code in the same step (book_appointment) the machine adds the code's own sentence.
            const c = input.context;
            const next = c.codeWithHold
              ? '.'
              : `; ${c.otpRequired ? "I'll text you a code to confirm." : 'Shall I confirm it?'}`;
            return answer(
              'held',
              `${req.preface}I'm holding ${slot.label} with ${slot.provider} for you for ${minutes} minutes${next}`,
              {
                hold_id: b.bookingId,
                expires_at: DateTime.fromMillis(hold.expiresAt, { zone: clinicZone(zone) }).toISO({
                  suppressMilliseconds: true,
                }),
                start: slot.start,
                provider: slot.provider,
                service: service.slug,
              },
            );
          });
          return { kind: 'held', hold, reply: withDate(reply, req.day) };
        }
        if (outcome.kind === 'claimed') {
          // This call already booked that very start (book_appointment): nothing to hold.
          return {
            kind: 'not_held',
            reply: answer('already_booked', `You're already booked for that time.`, {
              appointment_id: outcome.booking.bookingId,
            }),
          };
        }
        // Not claimed: describeClaim answers "taken" or the refusal, and never calls its success branch.
        return {
          kind: 'not_held',
          reply: withDate(
            describeClaim(t, outcome, req.start, now, req.preface, () => answer('held', '')),
            req.day,
          ),
        };
      }),

      sendCode: fromPromise<SendCodeOutput, EffectInputs['sendCode']>(async ({ input }) => {
        const { hold, phone, context: c } = input;
        const t = await tenantOf(c);
        const code = newOtpCode(t.tenant.otpLength);
        const binding = { tenantId: c.tenantId, phone, bookingId: hold.bookingId, callRowId: c.callRowId };
        const outcome = await deps.steps.transact(
          c,
          (tx) =>
            issueOtp(tx, {
              ...binding,
              codeHmac: otpDigest(deps.otpPepper, binding, code),
              requestKey: input.requestId,
              sealedBody: deps.secrets.seal(codeText(t.tenant, code, Math.round(t.tenant.otpTtlSeconds / 60))),
              maxPerHold: OTP_LIMITS.perHold,
              maxPerPhoneHour: OTP_LIMITS.perPhonePerHour,
            }),
          (issued) => {
            if (issued === 'issued' || issued === 'existing') deps.smsQueued();
          },
        );
        switch (outcome) {
          case 'issued':
          case 'existing':
            return { kind: 'sent', to: phone };
          case 'hold_gone':
            return { kind: 'hold_gone' };
          case 'limit_hold':
            return { kind: 'limited', reason: 'hold' };
          case 'limit_phone':
            return { kind: 'limited', reason: 'phone' };
          case 'limit_tenant':
            return { kind: 'limited', reason: 'tenant' };
        }
      }),

      verifyCode: fromPromise<VerifyOutput, EffectInputs['verifyCode']>(async ({ input }) => {
        const c = input.context;
        const digest = Buffer.from(input.codeDigest, 'hex');
        // The check and the confirmation in one transaction: a code consumed is a booking confirmed, or neither.
        const done = await deps.steps.transact(
          c,
          async (tx) => {
            const checked = await checkOtp(tx, c.tenantId, input.hold.bookingId, digest);
            if (checked !== 'verified') return { output: { kind: checked } as const, committed: () => {} };
            return confirmIn(tx, c, input.hold);
          },
          (d) => d.committed(),
        );
        return done.output;
      }),

      confirmHold: fromPromise<ConfirmOutput, EffectInputs['confirmHold']>(({ input }) =>
        confirm(input.context, input.hold),
      ),

      resendConfirmation: fromPromise<ResendOutput, EffectInputs['resendConfirmation']>(async ({ input }) => {
        const { tenantId } = input.context;
        const outcome = await deps.steps.transact(
          input.context,
          (tx) =>
            queueConfirmationAgain(tx, {
              tenantId,
              bookingId: input.appointmentId,
              requestKey: input.requestId,
              max: MAX_CONFIRMATIONS,
            }),
          (queued) => {
            if (queued === 'queued') deps.smsQueued();
          },
        );
        return { kind: outcome };
      }),

      changeAppointment: fromPromise<Reply, EffectInputs['changeAppointment']>(async ({ input }) =>
        changeAppointment(
          { sql: deps.sql, booking: deps.booking, now: deps.now() },
          await tenantOf(input.context),
          input.change,
          input.request as ChangeRequest,
          { vapiCallId: input.context.vapiCallId, rowId: input.context.callRowId },
        ).finally(deps.smsQueued),
      ),

      releaseHold: fromPromise<void, EffectInputs['releaseHold']>(({ input }) => release(input.context, input.hold)),
    },
  });
}

export type ProvidedCallMachine = ReturnType<typeof provideCallEffects>;

/** The digest a spoken code is checked by: the code itself never enters the machine, its snapshot or the audit trail. */
export function digestForHold(pepper: Buffer, c: CallContext, code: string): string | null {
  const hold = c.hold;
  const phone = c.codeSentTo;
  if (!hold || !phone) return null;
  return otpDigest(
    pepper,
    { tenantId: c.tenantId, phone, bookingId: hold.bookingId, callRowId: c.callRowId },
    code,
  ).toString('hex');
}
