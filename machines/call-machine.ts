// One phone call: what the assistant may do next and what it should say. Pure: the side effects are named actors
// whose implementations come from src/calls/call-effects.ts through machine.provide(...).
import { assign, fromPromise, setup } from 'xstate';

/** What a tool answers: the same shape as src/domain/answer.ts's ToolAnswer (`failed`: the step could not run). */
export interface Reply {
  failed?: true;
  body: { status: string; say: string; [detail: string]: unknown };
}

export interface Hold {
  bookingId: string;
  holdToken: string;
  providerId: string;
  serviceName: string;
  startsAt: number;
  endsAt: number;
  expiresAt: number;
  /** "Tuesday at 2:30 PM", as it was said when the hold was taken. */
  label: string;
  patientPhone: string;
}

export interface CallInput {
  tenantId: string;
  tenantSlug: string;
  callRowId: string;
  vapiCallId: string;
  callerNumber: string | null;
  otpRequired: boolean;
  otpLength: number;
}

export interface CallContext extends CallInput {
  hold: Hold | null;
  codeSentTo: string | null;
  wrongCodes: number;
  appointmentId: string | null;
  flaggedForHuman: boolean;
  /** While a RESERVE that asked for the code too is under way: its request id, which the code is sent under. */
  codeWithHold: string | null;
  /** The answer to the last tool event; the tool hands it to Vapi. */
  reply: Reply | null;
}

/** Every tool event carries when it happened (for hold expiry) and the Vapi tool-call id (for idempotent effects). */
interface Stamp {
  now: number;
  requestId: string;
}

export type CallEvent =
  // then 'send_code': book_appointment's one step, a hold and its code (where the clinic requires one) together.
  | (Stamp & { type: 'RESERVE'; request: unknown; then?: 'send_code' })
  | (Stamp & { type: 'SEND_OTP'; phone: string })
  | (Stamp & { type: 'VERIFY'; codeDigest: string | null })
  | (Stamp & { type: 'CONFIRM' })
  | (Stamp & { type: 'SEND_CONFIRMATION' })
  | (Stamp & { type: 'CHANGE_APPOINTMENT'; change: 'cancel' | 'reschedule'; request: unknown })
  | (Stamp & { type: 'ESCALATE' })
  | (Stamp & { type: 'END'; reason: string | null });

export type ToolEvent = Exclude<CallEvent, { type: 'END' }>;

export type ReserveOutput = { kind: 'held'; hold: Hold; reply: Reply } | { kind: 'not_held'; reply: Reply };
export type SendCodeOutput =
  | { kind: 'sent'; to: string }
  | { kind: 'limited'; reason: 'hold' | 'phone' | 'tenant' }
  | { kind: 'hold_gone' };
export type VerifyOutput =
  | { kind: 'booked'; appointmentId: string }
  | { kind: 'wrong' }
  | { kind: 'no_code' }
  | { kind: 'hold_gone' };
export type ConfirmOutput = { kind: 'booked'; appointmentId: string } | { kind: 'hold_gone' };
export type ResendOutput = { kind: 'queued' } | { kind: 'pending' } | { kind: 'limit' };

/** What each named effect is given. */
export interface EffectInputs {
  reserveSlot: { request: unknown; previous: Hold | null; requestId: string; context: CallContext };
  sendCode: { hold: Hold; phone: string; requestId: string; context: CallContext };
  verifyCode: { hold: Hold; codeDigest: string; requestId: string; context: CallContext };
  confirmHold: { hold: Hold; context: CallContext };
  resendConfirmation: { appointmentId: string; requestId: string; context: CallContext };
  changeAppointment: { change: 'cancel' | 'reschedule'; request: unknown; requestId: string; context: CallContext };
  releaseHold: { hold: Hold | null; context: CallContext };
}

/** States with an effect under way; the next event waits until the machine leaves them. */
export const BUSY_TAG = 'busy';

/** Wrong codes for one hold before the call goes to a human. */
export const MAX_WRONG_CODES = 3;

// A refusal is an answer too: the caller hears its sentence. Only `internal` says the step could not run.
const reply = (status: string, say: string, details: Record<string, unknown> = {}): Reply => ({
  body: { status, say, ...details },
});

const needsProvider = <O, I>() =>
  fromPromise<O, I>(async () => {
    throw new Error('call machine: actor implementation not provided');
  });

const couldNotRun: Reply = {
  failed: true,
  body: {
    status: 'internal_error',
    say: 'Sorry, something went wrong on our side; please try that again in a moment.',
  },
};

const say = {
  noHold: reply('no_hold', "I'm not holding a time for you yet; let's pick one first."),
  codeNotSent: reply('code_not_sent', "I haven't texted you a code yet; shall I send it now?"),
  otpNotRequired: reply('otp_not_required', 'No code is needed here; I can confirm the booking directly.'),
  otpRequired: reply('otp_required', 'I need to text you a code to confirm your number first.'),
  ended: reply('call_ended', 'This call has ended.'),
  escalated: reply('escalated', 'A member of our staff will call you back shortly to finish this.'),
  internal: couldNotRun,
};

const held = (c: CallContext) => c.hold!;

export const callMachine = setup({
  types: {
    context: {} as CallContext,
    events: {} as CallEvent,
    input: {} as CallInput,
  },
  actors: {
    reserveSlot: needsProvider<ReserveOutput, EffectInputs['reserveSlot']>(),
    sendCode: needsProvider<SendCodeOutput, EffectInputs['sendCode']>(),
    verifyCode: needsProvider<VerifyOutput, EffectInputs['verifyCode']>(),
    confirmHold: needsProvider<ConfirmOutput, EffectInputs['confirmHold']>(),
    resendConfirmation: needsProvider<ResendOutput, EffectInputs['resendConfirmation']>(),
    changeAppointment: needsProvider<Reply, EffectInputs['changeAppointment']>(),
    releaseHold: needsProvider<void, EffectInputs['releaseHold']>(),
  },
  guards: {
    hasHold: ({ context }) => context.hold !== null,
    holdLapsed: ({ context, event }) => context.hold !== null && 'now' in event && event.now >= context.hold.expiresAt,
    otpRequired: ({ context }) => context.otpRequired,
    codeUnreadable: ({ event }) => event.type === 'VERIFY' && event.codeDigest === null,
    lastWrongCode: ({ context }) => context.wrongCodes + 1 >= MAX_WRONG_CODES,
  },
  actions: {
    answer: assign({ reply: (_, r: Reply) => r }),
    forgetHold: assign({ hold: null, codeSentTo: null, wrongCodes: 0, codeWithHold: null }),
    codeStepOver: assign({ codeWithHold: null }),
    flag: assign({ flaggedForHuman: true }),
    takeHold: assign(({ event }) => {
      const out = (event as unknown as { output: Extract<ReserveOutput, { kind: 'held' }> }).output;
      return { hold: out.hold, codeSentTo: null, wrongCodes: 0, reply: out.reply };
    }),
    bookedNow: assign(({ context, event }) => {
      const appointmentId = (event as unknown as { output: { appointmentId: string } }).output.appointmentId;
      return {
        appointmentId,
        reply: reply('booked', `You're booked for ${held(context).label}. I'll text you a confirmation.`, {
          appointment_id: appointmentId,
        }),
      };
    }),
  },
}).createMachine({
  id: 'call',
  context: ({ input }) => ({
    ...input,
    hold: null,
    codeSentTo: null,
    wrongCodes: 0,
    appointmentId: null,
    flaggedForHuman: false,
    codeWithHold: null,
    reply: null,
  }),
  initial: 'idle',
  on: {
    END: '.ending',
    ESCALATE: { target: '.escalating', actions: { type: 'answer', params: say.escalated } },
  },
  states: {
    // Greeting: nothing held yet. Choosing: a time was refused and alternatives offered. Both accept the same steps.
    idle: { on: choosingSteps() },
    choosing: { entry: 'codeStepOver', on: choosingSteps() },

    reserving: {
      tags: BUSY_TAG,
      entry: assign({
        codeWithHold: ({ event }) => (event.type === 'RESERVE' && event.then === 'send_code' ? event.requestId : null),
      }),
      invoke: {
        id: 'reserve',
        src: 'reserveSlot',
        input: ({ context, event }) => ({
          request: event.type === 'RESERVE' ? event.request : null,
          previous: context.hold,
          requestId: 'requestId' in event ? event.requestId : '',
          context,
        }),
        onDone: [
          {
            // The same path as reserve_slot then send_otp, in one step: the code goes to the held patient's number.
            guard: ({ context, event }) =>
              event.output.kind === 'held' && context.otpRequired && Boolean(context.codeWithHold),
            target: 'sendingCode',
            actions: 'takeHold',
          },
          {
            guard: ({ event }) => event.output.kind === 'held',
            target: 'held',
            actions: 'takeHold',
          },
          // The new time was not free: an earlier hold (if any) was kept.
          { guard: 'hasHold', target: 'held', actions: assign({ reply: ({ event }) => event.output.reply }) },
          { target: 'choosing', actions: assign({ reply: ({ event }) => event.output.reply }) },
        ],
        onError: [
          { guard: 'hasHold', target: 'held', actions: { type: 'answer', params: say.internal } },
          { target: 'idle', actions: { type: 'answer', params: say.internal } },
        ],
      },
    },

    held: {
      entry: 'codeStepOver',
      on: {
        RESERVE: 'reserving',
        SEND_OTP: [
          { guard: 'holdLapsed', target: 'holdExpired' },
          { guard: 'otpRequired', target: 'sendingCode' },
          { actions: { type: 'answer', params: say.otpNotRequired } },
        ],
        VERIFY: [
          { guard: 'holdLapsed', target: 'holdExpired' },
          { actions: { type: 'answer', params: say.codeNotSent } },
        ],
        CONFIRM: [
          { guard: 'holdLapsed', target: 'holdExpired' },
          { guard: 'otpRequired', actions: { type: 'answer', params: say.otpRequired } },
          { target: 'confirming' },
        ],
        SEND_CONFIRMATION: {
          actions: {
            type: 'answer',
            params: reply('not_booked', "You're not booked yet; let's finish confirming first."),
          },
        },
        CHANGE_APPOINTMENT: {
          actions: { type: 'answer', params: reply('hold_in_progress', "Let's finish the booking I'm holding first.") },
        },
      },
    },

    sendingCode: {
      tags: BUSY_TAG,
      invoke: {
        id: 'sendCode',
        src: 'sendCode',
        input: ({ context, event }) => ({
          hold: held(context),
          phone: event.type === 'SEND_OTP' ? event.phone : (context.codeSentTo ?? held(context).patientPhone),
          requestId: 'requestId' in event ? event.requestId : (context.codeWithHold ?? ''),
          context,
        }),
        onDone: [
          {
            guard: ({ event }) => event.output.kind === 'sent',
            target: 'codeSent',
            actions: assign(({ context, event }) => {
              const to = (event.output as Extract<SendCodeOutput, { kind: 'sent' }>).to;
              const sent = `I've texted a code to the number ending in ${to.slice(-4)}; please read it to me when it arrives.`;
              // One step (book_appointment): the hold's answer, its id and expiry included, with the code's sentence.
              // (A snapshot saved before codeWithHold existed has it undefined: the same as null.)
              const hold = context.codeWithHold ? context.reply?.body : undefined;
              return {
                codeSentTo: to,
                reply: hold
                  ? { body: { ...hold, status: 'code_sent', say: `${hold.say} ${sent}`, phone_last4: to.slice(-4) } }
                  : reply('sent', sent, { phone_last4: to.slice(-4) }),
              };
            }),
          },
          { guard: ({ event }) => event.output.kind === 'hold_gone', target: 'holdExpired' },
          {
            guard: ({ context }) => context.codeSentTo !== null,
            target: 'codeSent',
            actions: {
              type: 'answer',
              params: reply('rate_limited', "I can't send another code right now; please use the one I already sent."),
            },
          },
          {
            target: 'escalating',
            actions: {
              type: 'answer',
              params: reply(
                'escalated',
                "I can't send a code to that number right now; a member of our staff will call you back to finish the booking.",
              ),
            },
          },
        ],
        onError: [
          {
            guard: ({ context }) => context.codeSentTo !== null,
            target: 'codeSent',
            actions: { type: 'answer', params: say.internal },
          },
          { target: 'held', actions: { type: 'answer', params: say.internal } },
        ],
      },
    },

    codeSent: {
      entry: 'codeStepOver',
      on: {
        RESERVE: 'reserving',
        SEND_OTP: [{ guard: 'holdLapsed', target: 'holdExpired' }, { target: 'sendingCode' }],
        VERIFY: [
          { guard: 'holdLapsed', target: 'holdExpired' },
          {
            guard: 'codeUnreadable',
            actions: assign({
              reply: ({ context }) =>
                reply(
                  'unreadable_code',
                  `I need the ${context.otpLength}-digit code from the text message; could you read it again?`,
                ),
            }),
          },
          { target: 'verifying' },
        ],
        CONFIRM: {
          actions: { type: 'answer', params: reply('otp_required', 'Please read me the code I texted you first.') },
        },
        SEND_CONFIRMATION: {
          actions: {
            type: 'answer',
            params: reply('not_booked', "You're not booked yet; please read me the code first."),
          },
        },
        CHANGE_APPOINTMENT: {
          actions: { type: 'answer', params: reply('hold_in_progress', "Let's finish the booking I'm holding first.") },
        },
      },
    },

    verifying: {
      tags: BUSY_TAG,
      invoke: {
        id: 'verify',
        src: 'verifyCode',
        input: ({ context, event }) => ({
          hold: held(context),
          codeDigest: event.type === 'VERIFY' ? (event.codeDigest ?? '') : '',
          requestId: 'requestId' in event ? event.requestId : '',
          context,
        }),
        onDone: [
          {
            guard: ({ event }) => event.output.kind === 'booked',
            target: 'booked',
            actions: 'bookedNow',
          },
          { guard: ({ event }) => event.output.kind === 'hold_gone', target: 'holdExpired' },
          {
            guard: ({ event }) => event.output.kind === 'no_code',
            target: 'held',
            actions: [
              assign({ codeSentTo: null }),
              { type: 'answer', params: reply('code_expired', 'That code has expired; shall I text you a new one?') },
            ],
          },
          {
            guard: 'lastWrongCode',
            target: 'escalating',
            actions: assign(({ context }) => ({
              wrongCodes: context.wrongCodes + 1,
              reply: reply(
                'escalated',
                "That code doesn't match either. I've released the time and a member of our staff will call you back shortly.",
              ),
            })),
          },
          {
            target: 'codeSent',
            actions: assign(({ context }) => {
              const left = MAX_WRONG_CODES - context.wrongCodes - 1;
              return {
                wrongCodes: context.wrongCodes + 1,
                reply: reply(
                  'wrong_code',
                  `That code doesn't match; you have ${left} ${left === 1 ? 'try' : 'tries'} left.`,
                  { attempts_left: left },
                ),
              };
            }),
          },
        ],
        onError: { target: 'codeSent', actions: { type: 'answer', params: say.internal } },
      },
    },

    confirming: {
      tags: BUSY_TAG,
      invoke: {
        id: 'confirm',
        src: 'confirmHold',
        input: ({ context }) => ({ hold: held(context), context }),
        onDone: [
          {
            guard: ({ event }) => event.output.kind === 'booked',
            target: 'booked',
            actions: 'bookedNow',
          },
          { target: 'holdExpired' },
        ],
        onError: { target: 'held', actions: { type: 'answer', params: say.internal } },
      },
    },

    booked: {
      on: {
        RESERVE: {
          actions: assign({
            reply: ({ context }) =>
              reply(
                'already_booked',
                `You're already booked for ${held(context).label}; I can reschedule it if you like.`,
              ),
          }),
        },
        SEND_OTP: {
          actions: assign({
            reply: ({ context }) => reply('already_booked', `You're already booked for ${held(context).label}.`),
          }),
        },
        VERIFY: {
          actions: assign({
            reply: ({ context }) =>
              reply('booked', `You're already booked for ${held(context).label}.`, {
                appointment_id: context.appointmentId,
              }),
          }),
        },
        CONFIRM: {
          actions: assign({
            reply: ({ context }) =>
              reply('booked', `You're already booked for ${held(context).label}.`, {
                appointment_id: context.appointmentId,
              }),
          }),
        },
        SEND_CONFIRMATION: 'resendingConfirmation',
        CHANGE_APPOINTMENT: 'changingAppointment',
      },
    },

    resendingConfirmation: {
      tags: BUSY_TAG,
      invoke: {
        id: 'resend',
        src: 'resendConfirmation',
        input: ({ context, event }) => ({
          appointmentId: context.appointmentId!,
          requestId: 'requestId' in event ? event.requestId : '',
          context,
        }),
        onDone: {
          target: 'booked',
          // booked's entry sets the booked answer; this one replaces it.
          actions: assign({
            reply: ({ event }) =>
              event.output.kind === 'limit'
                ? reply('rate_limited', "I've already sent the confirmation several times; it should be on your phone.")
                : reply(
                    'sent',
                    event.output.kind === 'pending'
                      ? 'The confirmation text is on its way.'
                      : "I've sent the confirmation text again.",
                  ),
          }),
        },
        onError: { target: 'booked', actions: { type: 'answer', params: say.internal } },
      },
    },

    changingAppointment: {
      tags: BUSY_TAG,
      invoke: {
        id: 'change',
        src: 'changeAppointment',
        input: ({ context, event }) => ({
          change: event.type === 'CHANGE_APPOINTMENT' ? event.change : 'cancel',
          request: event.type === 'CHANGE_APPOINTMENT' ? event.request : null,
          requestId: 'requestId' in event ? event.requestId : '',
          context,
        }),
        onDone: {
          target: 'idle',
          actions: [{ type: 'forgetHold' }, assign({ appointmentId: null, reply: ({ event }) => event.output })],
        },
        onError: { target: 'idle', actions: { type: 'answer', params: say.internal } },
      },
    },

    holdExpired: {
      entry: [
        assign({
          reply: ({ context }) =>
            reply('hold_expired', `The hold on ${context.hold?.label ?? 'that time'} ran out; shall I check it again?`),
        }),
        'forgetHold',
      ],
      on: choosingSteps(),
    },

    // A busy step: the release completes under the call's lock, before the answer, so its completion is never saved
    // after (and over) a later step such as the call's end on another instance.
    escalating: {
      tags: BUSY_TAG,
      entry: 'flag',
      invoke: {
        id: 'releaseForHuman',
        src: 'releaseHold',
        input: ({ context }) => ({ hold: context.hold, context }),
        onDone: { target: 'escalated', actions: 'forgetHold' },
        onError: 'escalated',
      },
    },
    escalated: {
      on: {
        '*': { actions: { type: 'answer', params: say.escalated } },
        ESCALATE: { actions: { type: 'answer', params: say.escalated } },
        END: 'ending',
      },
    },

    ending: {
      tags: BUSY_TAG,
      invoke: {
        id: 'releaseAtEnd',
        src: 'releaseHold',
        // A hold that became the appointment is no longer held: releasing it would change nothing.
        input: ({ context }) => ({
          hold: context.hold && context.hold.bookingId !== context.appointmentId ? context.hold : null,
          context,
        }),
        onDone: 'ended',
        onError: 'ended',
      },
    },

    ended: { type: 'final', entry: { type: 'answer', params: say.ended } },
  },
});

/** What a caller can do while no time is held: look for one, or change an appointment they already have. */
function choosingSteps() {
  return {
    RESERVE: 'reserving',
    SEND_OTP: { actions: { type: 'answer', params: say.noHold } },
    VERIFY: { actions: { type: 'answer', params: say.noHold } },
    CONFIRM: { actions: { type: 'answer', params: say.noHold } },
    SEND_CONFIRMATION: {
      actions: { type: 'answer', params: reply('not_booked', "There's no booking from this call to confirm yet.") },
    },
    CHANGE_APPOINTMENT: 'changingAppointment',
  } as const;
}

export { say as machineSentences };
